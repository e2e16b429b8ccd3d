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

    /// <summary>A bracketing run that differs from the round's first run by more than this share of the larger marks the round as disturbed.</summary>
    public const double BracketTolerance = 0.2;

    /// <summary>How many times a disturbed round is run again before its last attempt is kept as it is.</summary>
    public const int MaxRoundRepeats = 2;

    /// <summary>
    /// The same for any kind of contestant (a pair, a server process) named by <paramref name="label"/>. Each
    /// round starts one further along the list, so no contestant always runs right after the same other one.
    /// With <paramref name="bracket"/>, each round ends by running its first contestant again. This machine (a VM on
    /// a shared host) moves between speed regimes that last tens of seconds and slow every server alike (64 B round
    /// trips on 100 connections, gorilla's client, ours and gorilla's server: 45-49k msgs/s both for three rounds,
    /// then 74-76k both), so a round that straddles such a change compares regimes, not servers. A round whose
    /// bracketing run is off its first run by more than <see cref="BracketTolerance"/> is run again, at most
    /// <see cref="MaxRoundRepeats"/> times; every round set aside goes in the notes with its figures, and the last
    /// attempt is kept whatever it gave.
    /// </summary>
    public static async Task<ShapeResult> RunAsync<T>(string name, string headline, bool higherIsBetter, IReadOnlyList<T> contestants, Func<T, string> label,
        int rounds, TimeSpan bound, Func<T, bool, CancellationToken, Task<Dictionary<string, double>>> run, bool bracket = false)
    {
        if (OnlyPair is { } only) contestants = [.. contestants.Where(p => label(p) == only)];
        var result = new ShapeResult(name, headline, higherIsBetter);
        var failed = new HashSet<string>();

        // One run; null when it failed (the contestant is then left out of the rounds after it, with a note).
        async Task<Dictionary<string, double>?> RunOneAsync(T contestant, int round)
        {
            string l = label(contestant);
            if (failed.Contains(l)) return null;
            using var cts = new CancellationTokenSource(bound);
            try
            {
                var figures = await run(contestant, round < 0, cts.Token);
                if (Verbose) Console.Error.WriteLine($"    {name} round {round} {l}: {figures.GetValueOrDefault(headline):F1} {headline}");
                return figures;
            }
            catch (Exception e)
            {
                failed.Add(l);
                string why = cts.IsCancellationRequested ? $"did not finish within {bound.TotalSeconds:F0} s" : $"{e.GetType().Name}: {e.Message}";
                result.Notes.Add($"{l}: {why}");
                Console.Error.WriteLine($"  {name} {l} failed: {why}");
                return null;
            }
        }

        for (int round = -1; round < rounds; round++)
        {
            for (int attempt = 0; ; attempt++)
            {
                var runs = new List<(T Contestant, string Label, Dictionary<string, double> Figures)>();
                for (int i = 0; i < contestants.Count; i++)
                {
                    var contestant = contestants[(i + Math.Max(round, 0)) % contestants.Count];
                    if (await RunOneAsync(contestant, round) is { } figures) runs.Add((contestant, label(contestant), figures));
                }
                if (round < 0) break;
                string? disturbed = null;
                if (bracket && runs.Count > 1 && runs[0].Figures.TryGetValue(headline, out double first))
                {
                    if (await RunOneAsync(runs[0].Contestant, round) is { } again && again.TryGetValue(headline, out double second)
                        && Math.Abs(second - first) > BracketTolerance * Math.Max(first, second))
                        disturbed = $"round {round + 1}: {runs[0].Label} ran first at {Report.Number(first)} and again last at {Report.Number(second)} {headline} " +
                                    $"(the round: {string.Join(", ", runs.Select(r => $"{r.Label} {Report.Number(r.Figures.GetValueOrDefault(headline))}"))})";
                }
                if (disturbed is not null && attempt < MaxRoundRepeats)
                {
                    result.Notes.Add($"set aside, the machine's speed changed within it, and run again: {disturbed}");
                    continue;
                }
                if (disturbed is not null) result.Notes.Add($"kept after {MaxRoundRepeats} repeats, though the machine's speed changed within it: {disturbed}");
                foreach (var (_, l, figures) in runs) result.Add(l, figures);
                break;
            }
        }
        Console.Error.WriteLine($"  {name}: " + string.Join(", ", contestants.Select(label).Select(l => result.Summary(l, headline) is { } s ? $"{l} {s.Median:F1}" : $"{l} -")));
        return result;
    }
}
