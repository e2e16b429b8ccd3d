namespace WebSocketKit.EchoBench;

/// <summary>One client/server combination: who dials, who serves.</summary>
internal sealed record Pair(string Label, Impl Client, Impl Server);

/// <summary>A shape's figures: per pair, per round, each named figure.</summary>
internal sealed class ShapeResult(string name, string headline, bool higherIsBetter)
{
    public string Name { get; } = name;
    public string Headline { get; } = headline;
    public bool HigherIsBetter { get; } = higherIsBetter;
    public Dictionary<string, List<Dictionary<string, double>>> Runs { get; } = [];
    public List<string> Notes { get; } = [];

    public void Add(string pair, Dictionary<string, double> figures)
    {
        if (!Runs.TryGetValue(pair, out var list)) Runs[pair] = list = [];
        list.Add(figures);
    }

    public IEnumerable<string> Figures => Runs.Values.SelectMany(l => l).SelectMany(d => d.Keys).Distinct();

    /// <summary>The prefix of a derived figure: the best run's value instead of the median.</summary>
    public const string Best = "best ";

    /// <summary>
    /// Median over rounds and spread ((max - min) / median), or null when the pair did not run; for a
    /// <see cref="Best"/> figure, the best run's value and no spread.
    /// </summary>
    public (double Median, double Spread)? Summary(string pair, string figure)
    {
        if (!Runs.TryGetValue(pair, out var list)) return null;
        if (figure.StartsWith(Best, StringComparison.Ordinal))
        {
            var all = list.Select(d => d.GetValueOrDefault(figure[Best.Length..], double.NaN)).Where(double.IsFinite).ToArray();
            return all.Length == 0 ? null : (all.Max(), 0);
        }
        var values = Values(pair, figure);
        if (values.Length == 0) return null;
        double median = MedianOfSorted(values);
        double spread = median == 0 ? 0 : (values[^1] - values[0]) / median;
        return (median, spread);
    }

    /// <summary>A pair's values of a figure over the rounds it ran, in order of size (empty when it has none).</summary>
    public double[] Values(string pair, string figure)
        => Runs.TryGetValue(pair, out var list) ? [.. list.Where(d => d.ContainsKey(figure)).Select(d => d[figure]).Order()] : [];

    /// <summary>
    /// The ratio of <paramref name="ours"/> to <paramref name="other"/> in each round (above 1: ours better), as
    /// min, median and max over the rounds both ran; null when either has no runs. Rounds pair up by index:
    /// a contestant that fails drops out of the shape, so its rounds are the leading ones.
    /// </summary>
    public (double Min, double Median, double Max)? RatioRange(string ours, string other, string figure, bool? higherIsBetter = null)
    {
        if (!Runs.TryGetValue(ours, out var a) || !Runs.TryGetValue(other, out var b)) return null;
        bool higher = higherIsBetter ?? HigherIsBetter;
        var ratios = a.Zip(b).Where(r => r.First.ContainsKey(figure) && r.Second.ContainsKey(figure))
            .Select(r => higher ? r.First[figure] / r.Second[figure] : r.Second[figure] / r.First[figure])
            .Where(double.IsFinite).Order().ToArray();
        if (ratios.Length == 0) return null;
        return (ratios[0], MedianOfSorted(ratios), ratios[^1]);
    }

    public static double MedianOfSorted(double[] sorted)
        => sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

/// <summary>Runs a shape for each pair, interleaved over rounds (A B A B), after one unrecorded warm-up run per pair.</summary>
internal static class Runner
{
    /// <summary>When set (--pair), only the pair with this label runs: for profiling one stack alone.</summary>
    public static string? OnlyPair { get; set; }

    /// <summary>When set (--verbose), every run's headline figure goes to stderr as it is measured.</summary>
    public static bool Verbose { get; set; }

    public static Task<ShapeResult> RunAsync(string name, string headline, bool higherIsBetter, IReadOnlyList<Pair> pairs, int rounds,
        TimeSpan bound, Func<Pair, bool, CancellationToken, Task<Dictionary<string, double>>> run)
        => RunAsync(name, headline, higherIsBetter, pairs, p => p.Label, rounds, bound, run);

    /// <summary>
    /// The same for any kind of contestant (a pair, a server process) named by <paramref name="label"/>. Each
    /// round starts one further along the list, so no contestant always runs right after the same other one.
    /// </summary>
    public static async Task<ShapeResult> RunAsync<T>(string name, string headline, bool higherIsBetter, IReadOnlyList<T> contestants, Func<T, string> label,
        int rounds, TimeSpan bound, Func<T, bool, CancellationToken, Task<Dictionary<string, double>>> run)
    {
        if (OnlyPair is { } only) contestants = [.. contestants.Where(p => label(p) == only)];
        var result = new ShapeResult(name, headline, higherIsBetter);
        var failed = new HashSet<string>();
        for (int round = -1; round < rounds; round++)
        {
            for (int i = 0; i < contestants.Count; i++)
            {
                var contestant = contestants[(i + Math.Max(round, 0)) % contestants.Count];
                var pair = (Label: label(contestant), Contestant: contestant);
                if (failed.Contains(pair.Label)) continue;
                using var cts = new CancellationTokenSource(bound);
                try
                {
                    var figures = await run(pair.Contestant, round < 0, cts.Token);
                    if (round >= 0) result.Add(pair.Label, figures);
                    if (Verbose) Console.Error.WriteLine($"    {name} round {round} {pair.Label}: {figures.GetValueOrDefault(headline):F1} {headline}");
                }
                catch (Exception e)
                {
                    failed.Add(pair.Label);
                    string why = cts.IsCancellationRequested ? $"did not finish within {bound.TotalSeconds:F0} s" : $"{e.GetType().Name}: {e.Message}";
                    result.Notes.Add($"{pair.Label}: {why}");
                    Console.Error.WriteLine($"  {name} {pair.Label} failed: {why}");
                }
            }
        }
        Console.Error.WriteLine($"  {name}: " + string.Join(", ", contestants.Select(label).Select(l => result.Summary(l, headline) is { } s ? $"{l} {s.Median:F1}" : $"{l} -")));
        return result;
    }
}
