using Autobahn.Runner.Reports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Autobahn.Runner.Tests;

/// <summary>
/// The Docker path end to end: the built-in engine's wstest, packed as a local image, run by the runner through
/// Docker.DotNet in both modes (fuzzingclient against our echo server, fuzzingserver driving the echo client) on
/// a small case selection; the reports it leaves must be complete and parse.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class DockerEndToEndTests
{
    // Publishing the engine (only when it changed) takes about a minute on 2 cores; the 33 cases take seconds.
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(6);
    private static readonly string[] Selection = ["1.*", "2.*", "7.1.*"];
    private const int SelectedCases = 16 + 11 + 6;

    [DockerFact]
    public async Task The_runner_runs_the_packed_wstest_image_in_both_modes_and_publishes_reports_that_parse()
    {
        using var cts = new CancellationTokenSource(Bound);
        using var docker = await DockerEngine.ConnectAsync(DockerEngine.DefaultEndpoint(), NullLogger.Instance, cts.Token);
        var image = await WstestImage.EnsureAsync(docker, cts.Token);
        var reports = Directory.CreateTempSubdirectory("e2e-reports-").FullName;
        var log = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(log));
        try
        {
            var options = new RunnerOptions
            {
                Engine = EngineChoice.Docker,
                Image = image,
                Cases = Selection,
                Port = FreePort(),
                CaseTimeout = TimeSpan.FromSeconds(30),
                SuiteTimeout = TimeSpan.FromMinutes(3),
                ReportsDirectory = reports,
            };

            var exit = await RunnerApp.RunAsync(options, factory, cts.Token);

            Assert.True(exit is RunnerApp.Passed or RunnerApp.CasesFailed, $"the runner could not run (exit {exit}):\n{string.Join('\n', log.Messages)}");
            foreach (var (folder, agent) in new[] { (ServerMode.Folder, OurEchoServer.DefaultAgent), (ClientMode.Folder, "websocketkit-client") })
            {
                var dir = Path.Combine(reports, folder);
                var report = SuiteIndex.Load(dir)[agent];
                Assert.Equal(SelectedCases, report.Cases.Count);
                Assert.All(report.Cases, c => Assert.NotNull(report.DetailFile(c)));
                var run = RunInfo.LoadAll(dir)[agent];
                Assert.Equal("docker", run.Engine);
                Assert.Equal(image, run.Image);
            }
            Assert.True(File.Exists(Path.Combine(reports, "index.html")));
            Assert.Empty(await docker.ListOursAsync(cts.Token));
        }
        finally
        {
            Directory.Delete(reports, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }
}
