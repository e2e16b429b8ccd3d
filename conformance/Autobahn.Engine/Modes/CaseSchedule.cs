using System.Text.Json;
using System.Text.Json.Nodes;
using Autobahn.Engine.Cases;

namespace Autobahn.Engine.Modes;

/// <summary>How a case may share the machine with other cases while it runs.</summary>
public enum CaseLane
{
    /// <summary>Cheap and indifferent to timing: runs beside anything.</summary>
    Light,
    /// <summary>Moves megabytes (compression above all): a few at a time, so they do not starve each other and everything else.</summary>
    Heavy,
    /// <summary>Timing-sensitive (<see cref="CaseDefinition.TimingSensitive"/>): runs with no other case at all.</summary>
    Alone,
}

/// <summary>One case as the scheduler sees it: its lane and what it costs (bulk octets; the largest start first).</summary>
public readonly record struct ScheduledCase(CaseLane Lane, long Cost)
{
    /// <summary>Cases that move at least this much are heavy.</summary>
    public const long HeavyOctets = 1 << 20;

    public static ScheduledCase Of(CaseDefinition c) =>
        new(c.TimingSensitive ? CaseLane.Alone : c.BulkOctets >= HeavyOctets ? CaseLane.Heavy : CaseLane.Light, c.BulkOctets);

    /// <summary>The fuzzingserver's /getCaseSchedule answer: one entry per case N = 1..count, e.g. <c>[{"lane":"alone","cost":0}, ...]</c>.</summary>
    public static string ToJson(IEnumerable<ScheduledCase> cases) =>
        JsonSerializer.Serialize(cases.Select(c => new { lane = c.Lane.ToString().ToLowerInvariant(), cost = c.Cost }));

    /// <exception cref="JsonException">Not a schedule.</exception>
    public static List<ScheduledCase> Parse(string json) =>
        JsonNode.Parse(json)!.AsArray().Select(e => new ScheduledCase(
            Enum.Parse<CaseLane>(e!["lane"]!.GetValue<string>(), ignoreCase: true), e["cost"]!.GetValue<long>())).ToList();
}

/// <summary>
/// Runs a list of cases as concurrently as the suite's semantics allow, for the fuzzingclient (against a server) and
/// for the runner driving an in-process client through the fuzzingserver, with the same rules: the timing-sensitive
/// cases one by one with nothing beside them (first: they also warm both sides up); then the heavy cases, largest
/// first, two per core at once (each keeps about one core busy, the engine or the peer, with gaps between round trips
/// that a second case fills; more only split the same cores finer and stretch every case), while the light ones run
/// beside them up to <c>parallel</c> at once.
/// </summary>
public static class CaseSchedule
{
    public static async Task RunAsync(IReadOnlyList<ScheduledCase> cases, int parallel, Func<int, Task> run, CancellationToken ct = default)
    {
        var indexes = Enumerable.Range(0, cases.Count).ToList();
        var alone = indexes.Where(i => cases[i].Lane == CaseLane.Alone).ToList();
        var heavy = indexes.Where(i => cases[i].Lane == CaseLane.Heavy).OrderByDescending(i => cases[i].Cost).ToList();
        var light = indexes.Where(i => cases[i].Lane == CaseLane.Light).ToList();
        foreach (var i in alone)
        {
            ct.ThrowIfCancellationRequested();
            await run(i).ConfigureAwait(false);
        }
        // With nothing alone to warm up on, the first case does it by itself before cases share the machine.
        if (alone.Count == 0 && light.Count + heavy.Count > 0)
        {
            var first = light.Count > 0 ? light : heavy;
            await run(first[0]).ConfigureAwait(false);
            first.RemoveAt(0);
        }
        int width = Math.Max(1, parallel);
        await Task.WhenAll(
            ForEachAsync(heavy, Math.Min(width, 2 * Environment.ProcessorCount), run, ct),
            ForEachAsync(light, width, run, ct)).ConfigureAwait(false);
    }

    private static Task ForEachAsync(List<int> items, int width, Func<int, Task> run, CancellationToken ct) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = width, CancellationToken = ct }, async (i, _) => await run(i).ConfigureAwait(false));
}
