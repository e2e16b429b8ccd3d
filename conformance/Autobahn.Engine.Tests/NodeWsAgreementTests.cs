using Autobahn.Engine.Cases;
using Autobahn.Engine.Modes;
using Xunit;

namespace Autobahn.Engine.Tests;

/// <summary>Our engine against the same node-ws server the official suite was run against must reach the same verdicts, case by case.</summary>
public sealed class NodeWsAgreementTests(NodeWsServer node) : IClassFixture<NodeWsServer>
{
    [Fact]
    public async Task Every_implemented_case_gets_the_official_verdicts_from_node_ws()
    {
        var outdir = Path.Combine(Path.GetTempPath(), "autobahn-engine-tests", Guid.NewGuid().ToString("N"));
        var spec = new FuzzingSpec
        {
            OutDir = outdir,
            Servers = [new ServerSpec("ws-node", node.Url.ToString(), [])],
            Cases = ["*"],
            ExcludeCases = SlowCases,
            Parallel = 4,
        };
        try
        {
            var results = await new FuzzingClient(spec).RunAsync();
            var official = OfficialVerdicts.Load("servers-index.json");
            Assert.NotEmpty(results);
            var disagreements = results
                .Where(r => official[r.Case.Id] != (r.Behavior, r.BehaviorClose))
                .Select(r => $"{r.Case.Id}: ours {r.Behavior}/{r.BehaviorClose}, official {official[r.Case.Id].Behavior}/{official[r.Case.Id].Close}")
                .ToList();
            Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
            Assert.True(File.Exists(Path.Combine(outdir, "index.json")));
            Assert.True(File.Exists(Path.Combine(outdir, "ws_node_case_1_1_1.json")));
            Assert.True(File.Exists(Path.Combine(outdir, "ws_node_case_1_1_1.html")));
        }
        finally
        {
            if (Directory.Exists(outdir)) Directory.Delete(outdir, recursive: true);
        }
    }

    /// <summary>The 8 and 16 MiB messages stay out of the unit run (they are run by `make autobahn`).</summary>
    public static readonly List<string> SlowCases = ["9.1.5", "9.1.6", "9.2.5", "9.2.6"];
}
