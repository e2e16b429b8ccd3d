using Microsoft.Extensions.Logging;
using Xunit;

namespace Autobahn.Runner.Tests;

/// <summary>When the runner cannot run it says everything that is missing, exits 2, and writes no report.</summary>
public class RunnerAppTests
{
    private static async Task<(int Exit, IReadOnlyList<string> Log, string Reports)> RunAsync(RunnerOptions options)
    {
        var reports = Directory.CreateTempSubdirectory("runner-app-").FullName;
        var log = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(log));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var exit = await RunnerApp.RunAsync(options with { ReportsDirectory = reports }, factory, cts.Token);
        return (exit, log.Messages.ToList(), reports);
    }

    [Fact]
    public async Task A_target_where_nothing_listens_and_a_missing_engine_are_both_reported()
    {
        // Bind then release a port: nothing listens there afterwards.
        var free = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        free.Start();
        var port = ((System.Net.IPEndPoint)free.LocalEndpoint).Port;
        free.Stop();

        var (exit, log, reports) = await RunAsync(new RunnerOptions { Target = $"ws://127.0.0.1:{port}/", Engine = EngineChoice.Builtin, Wstest = "/nonexistent/wstest.dll" });
        try
        {
            Assert.Equal(RunnerApp.CannotRun, exit);
            Assert.Contains(log, m => m.Contains($"nothing accepts connections at ws://127.0.0.1:{port}/", StringComparison.Ordinal));
            Assert.Contains(log, m => m.Contains("built-in engine", StringComparison.Ordinal) && m.Contains("/nonexistent/wstest.dll does not exist", StringComparison.Ordinal));
            Assert.Empty(Directory.GetFiles(reports, "*", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(reports, recursive: true);
        }
    }

    [Fact]
    public async Task A_target_that_is_not_a_websocket_url_is_refused()
    {
        var (exit, log, reports) = await RunAsync(new RunnerOptions { Target = "http://127.0.0.1:1/", Engine = EngineChoice.Builtin });
        Directory.Delete(reports, recursive: true);
        Assert.Equal(RunnerApp.CannotRun, exit);
        Assert.Contains(log, m => m.Contains("is not a ws:// or wss:// URL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_echo_server_that_does_not_exist_is_named_as_missing()
    {
        var (exit, log, reports) = await RunAsync(new RunnerOptions { Mode = RunMode.Server, Engine = EngineChoice.Builtin, EchoServer = "/nonexistent/echo.dll" });
        Directory.Delete(reports, recursive: true);
        Assert.Equal(RunnerApp.CannotRun, exit);
        Assert.Contains(log, m => m.Contains("server mode: /nonexistent/echo.dll does not exist", StringComparison.Ordinal));
    }
}
