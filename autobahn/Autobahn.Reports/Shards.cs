using System.Globalization;
using System.Text.Json;
using Autobahn.Vocabulary;

namespace Autobahn.Runner.Reports;

/// <summary>
/// Splits the suite's cases over n CI jobs ("shard i/n") so that each job takes about as long: longest case first,
/// each to the shard with the least work so far. The same ids and n always give the same shards, so jobs on
/// different machines agree without talking to each other.
/// </summary>
public static class Shards
{
    private static readonly Lazy<IReadOnlyDictionary<string, long>> Embedded = new(LoadWeights);

    /// <summary>Milliseconds per case id, the longer of the official suite's two node-ws runs (case-weights.json).</summary>
    public static IReadOnlyDictionary<string, long> Weights => Embedded.Value;

    /// <summary>Parses "i/n" (1-based): returns (i, n).</summary>
    public static (int Index, int Count) Parse(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0
            && int.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            && int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count >= 1 && index >= 1 && index <= count)
        {
            return (index, count);
        }
        throw new FormatException($"'{text}' is not a shard: expected i/n with 1 <= i <= n, e.g. 2/4");
    }

    /// <summary>The ids of shard <paramref name="index"/> of <paramref name="count"/>, in case-id order.</summary>
    public static IReadOnlyList<string> Select(IReadOnlyList<string> caseIds, int index, int count, IReadOnlyDictionary<string, long>? weights = null)
    {
        if (count < 1 || index < 1 || index > count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"shard {index}/{count} does not exist");
        }
        return Assign(caseIds, count, weights ?? Weights)[index - 1];
    }

    /// <summary>Every shard at once (index 0 is shard 1), each in case-id order.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Assign(IReadOnlyList<string> caseIds, int count, IReadOnlyDictionary<string, long>? weights = null)
    {
        weights ??= Weights;
        var median = Median(weights.Values);
        var ids = caseIds.Distinct(StringComparer.Ordinal).Select(CaseId.Parse).ToList();
        ids.Sort();
        var byWeight = ids.Select((id, order) => (Id: id, Weight: weights.TryGetValue(id.Text, out var w) ? w : median, Order: order))
            .OrderByDescending(c => c.Weight).ThenBy(c => c.Order).ToList();
        var loads = new long[count];
        var shards = Enumerable.Range(0, count).Select(_ => new List<CaseId>()).ToArray();
        foreach (var c in byWeight)
        {
            var lightest = 0;
            for (var s = 1; s < count; s++)
            {
                if (loads[s] < loads[lightest]) lightest = s;
            }
            shards[lightest].Add(c.Id);
            loads[lightest] += c.Weight;
        }
        return shards.Select(s =>
        {
            s.Sort();
            return (IReadOnlyList<string>)s.Select(id => id.Text).ToList();
        }).ToList();
    }

    /// <summary>The expected milliseconds of a set of cases; unknown ids weigh the median.</summary>
    public static long Load(IEnumerable<string> caseIds, IReadOnlyDictionary<string, long>? weights = null)
    {
        weights ??= Weights;
        var median = Median(weights.Values);
        return caseIds.Sum(id => weights.TryGetValue(id, out var w) ? w : median);
    }

    private static long Median(IEnumerable<long> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 1 : sorted[sorted.Count / 2];
    }

    private static IReadOnlyDictionary<string, long> LoadWeights()
    {
        using var stream = Resources.Open("case-weights.json");
        return JsonSerializer.Deserialize<Dictionary<string, long>>(stream) ?? throw new FormatException("case-weights.json is empty");
    }
}
