using Xunit;
using Xunit.Abstractions;

namespace Autobahn.Engine.Tests;

/// <summary>
/// A verdict must not depend on machine load. With a CPU hog on every core, the engine runs against node-ws the cases
/// a busy machine used to turn: 12.2.15 (1000 compressed messages of 128 KiB in 256-octet frames, once FAILED with
/// 928 echoes in 480 s), the cases with pauses and 1 s deadlines of chapters 2, 5, 6.4 and 7, and a few of chapter 9.
/// Every verdict must equal the official suite's, at the first try: no rerun of cases that look wrong.
/// </summary>
public sealed class LoadProofVerdictTests(NodeWsServer node, ITestOutputHelper output) : IClassFixture<NodeWsServer>
{
    public static readonly List<string> Selection = ["12.2.15", "2.*", "5.*", "6.4.*", "7.*", "9.1.1", "9.2.1", "9.7.1", "9.8.1"];

    [Fact]
    public async Task With_every_core_busy_the_verdicts_on_node_ws_are_the_official_ones()
    {
        var official = OfficialVerdicts.Load("servers-index.json");
        IReadOnlyList<Engine.CaseResult> results;
        using (CpuHog.Start())
            results = await EngineRuns.AgainstAsync(node.Url, "ws-node", Selection, parallel: new Modes.FuzzingSpec().Parallel);
        output.WriteLine($"{results.Count} cases under a {Environment.ProcessorCount}-core CPU hog; longest: " +
            string.Join(", ", results.OrderByDescending(r => r.DurationMs).Take(5).Select(r => $"{r.Case.Id} {r.DurationMs} ms")));
        Assert.Equal(Cases.CaseCatalog.Select(Selection, []).Count, results.Count);
        var disagreements = OfficialVerdicts.Disagreements(results, official);
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
    }
}
