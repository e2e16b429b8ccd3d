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
            var disagreements = OfficialVerdicts.Disagreements(results, official);
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

    /// <summary>
    /// The 8 and 16 MiB messages and the larger compression cases (1000 messages of 8 KiB and up each) stay out of
    /// the unit run; `make autobahn` runs them. What remains of chapters 12/13 still covers every offer set and payload kind.
    /// </summary>
    public static readonly List<string> SlowCases =
        ["9.1.5", "9.1.6", "9.2.5", "9.2.6", .. Enumerable.Range(5, 14).SelectMany(i => new[] { $"12.*.{i}", $"13.*.{i}" })];
}
