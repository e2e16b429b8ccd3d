using Autobahn.Engine.Modes;
using Xunit;

namespace Autobahn.Engine.Tests;

/// <summary>fuzzingserver mode, driven by a real third-party client through the official endpoints, reaches the official verdicts.</summary>
public sealed class FuzzingServerTests
{
    [Fact]
    public async Task A_node_ws_client_driven_through_the_endpoints_gets_the_official_client_verdicts()
    {
        var outdir = Path.Combine(Path.GetTempPath(), "autobahn-engine-tests", Guid.NewGuid().ToString("N"));
        var spec = new FuzzingSpec
        {
            Url = "ws://127.0.0.1:0",
            OutDir = outdir,
            // A node process that waited for a core past a case's half-second kill must not turn into a FAILED verdict.
            Options = EngineRuns.LoadTolerant,
            Cases = ["1.*", "2.*", "3.*", "4.*", "5.*", "6.1.*", "6.2.*", "6.3.*", "6.4.*", "6.5.*", "6.20.*", "7.*", "9.7.1", "10.*", "12.*.1", "13.*.1"],
        };
        try
        {
            await using var server = new FuzzingServer(spec);
            server.Start();
            var output = await NodeWsClient.RunAsync(new Uri($"ws://127.0.0.1:{server.Port}"), "ws-node", TimeSpan.FromMinutes(2));
            Assert.Contains($"ran {server.Cases.Count} cases", output);

            var official = OfficialVerdicts.Load("clients-index.json");
            var results = server.Results;
            Assert.Equal(server.Cases.Count, results.Count);
            var disagreements = OfficialVerdicts.Disagreements(results, official);
            Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
            // /updateReports wrote the official layout.
            Assert.True(File.Exists(Path.Combine(outdir, "index.json")));
            Assert.True(File.Exists(Path.Combine(outdir, "ws_node_case_13_7_1.json")));
        }
        finally
        {
            if (Directory.Exists(outdir)) Directory.Delete(outdir, recursive: true);
        }
    }
}
