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
        var values = list.Where(d => d.ContainsKey(figure)).Select(d => d[figure]).Order().ToArray();
        if (values.Length == 0) return null;
        double median = values.Length % 2 == 1 ? values[values.Length / 2] : (values[values.Length / 2 - 1] + values[values.Length / 2]) / 2;
        double spread = median == 0 ? 0 : (values[^1] - values[0]) / median;
        return (median, spread);
    }
}

/// <summary>Runs a shape for each pair, interleaved over rounds (A B A B), after one unrecorded warm-up run per pair.</summary>
internal static class Runner
{
    /// <summary>When set (--pair), only the pair with this label runs: for profiling one stack alone.</summary>
    public static string? OnlyPair { get; set; }

    /// <summary>When set (--verbose), every run's headline figure goes to stderr as it is measured.</summary>
    public static bool Verbose { get; set; }

    public static async Task<ShapeResult> RunAsync(string name, string headline, bool higherIsBetter, IReadOnlyList<Pair> pairs, int rounds,
        TimeSpan bound, Func<Pair, bool, CancellationToken, Task<Dictionary<string, double>>> run)
    {
        if (OnlyPair is { } only) pairs = [.. pairs.Where(p => p.Label == only)];
        var result = new ShapeResult(name, headline, higherIsBetter);
        var failed = new HashSet<string>();
        for (int round = -1; round < rounds; round++)
        {
            foreach (var pair in pairs)
            {
                if (failed.Contains(pair.Label)) continue;
                using var cts = new CancellationTokenSource(bound);
                try
                {
                    var figures = await run(pair, round < 0, cts.Token);
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
        Console.Error.WriteLine($"  {name}: " + string.Join(", ", pairs.Select(p => result.Summary(p.Label, headline) is { } s ? $"{p.Label} {s.Median:F1}" : $"{p.Label} -")));
        return result;
    }
}
