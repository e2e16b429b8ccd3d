using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Xml.Linq;
using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Autobahn.Runner.Tests;

/// <summary>`wsconform rfc8441` end to end against Kestrel over h2c: the report folder, JUnit and the exit status.</summary>
public class Rfc8441CommandTests
{
    private static Task<WebSocketPeer> KestrelH2cEcho() => WebSocketPeer.StartAsync(async (ctx, ws) =>
    {
        var buffer = new byte[2 * 1024 * 1024];
        try
        {
            while (true)
            {
                int n = 0;
                ValueWebSocketReceiveResult r;
                do
                {
                    r = await ws.ReceiveAsync(buffer.AsMemory(n), ctx.RequestAborted);
                    n += r.Count;
                }
                while (!r.EndOfMessage);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    await ws.CloseAsync(ws.CloseStatus ?? WebSocketCloseStatus.NormalClosure, null, ctx.RequestAborted);
                    return;
                }
                await ws.SendAsync(buffer.AsMemory(0, n), r.MessageType, true, ctx.RequestAborted);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException) { }
    }, http2Only: true);

    private static string H2c(WebSocketPeer peer) => peer.BaseUri.ToString().Replace("ws://", "http://", StringComparison.Ordinal) + "echo";

    [Fact]
    public async Task A_run_against_Kestrel_writes_the_report_folder_and_valid_JUnit_and_passes()
    {
        await using var peer = await KestrelH2cEcho();
        using var reports = new TempReports();
        var junit = Path.Combine(reports.Root, "junit.xml");
        var console = new StringWriter();
        int exit = await Rfc8441Command.RunAsync(new(H2c(peer), false, "kestrel-h2c", [], false, reports.Root, junit), console, NullLogger.Instance, CancellationToken.None);

        Assert.True(exit == RunnerApp.Passed, console.ToString());
        var run = Assert.Single(Rfc8441Report.Load(reports.Root));
        Assert.Equal("kestrel-h2c", run.Agent);
        Assert.Equal(19, run.Cases.Count);
        Assert.DoesNotContain(run.Cases, c => c.Verdict == VerdictWords.Failed);
        Assert.Contains("h2-5.6", File.ReadAllText(Path.Combine(reports.Root, Rfc8441Report.Folder, ReportFileNames.IndexHtml)));
        Assert.Contains("href=\"rfc8441/index.html\"", File.ReadAllText(Path.Combine(reports.Root, ReportFileNames.IndexHtml)));
        var doc = XDocument.Load(junit);
        Assert.Empty(JUnitReport.Validate(doc));
        Assert.Equal(19, doc.Descendants("testcase").Count());
        Assert.Empty(doc.Descendants("failure"));
    }

    [Fact]
    public async Task Strict_fails_the_run_on_Kestrels_NON_STRICT_cases_and_a_second_agent_joins_the_index()
    {
        await using var peer = await KestrelH2cEcho();
        using var reports = new TempReports();
        await Rfc8441Command.RunAsync(new(H2c(peer), false, "first", ["h2-3.*"], false, reports.Root, null), TextWriter.Null, NullLogger.Instance, CancellationToken.None);
        // Kestrel takes an extended CONNECT without :authority (h2-4.6) and ends the connection for Connection/Upgrade fields (h2-4.7).
        int exit = await Rfc8441Command.RunAsync(new(H2c(peer), false, "second", ["h2-4.*"], true, reports.Root, null), TextWriter.Null, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(RunnerApp.CasesFailed, exit);
        var runs = Rfc8441Report.Load(reports.Root);
        Assert.Equal(["first", "second"], runs.Select(r => r.Agent));
        Assert.Equal(2, runs[0].Cases.Count);
        Assert.Contains(runs[1].Cases, c => c.Verdict == VerdictWords.NonStrict);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("not a url")]
    public async Task A_URL_that_is_not_http_or_ws_cannot_run(string url)
    {
        using var reports = new TempReports();
        Assert.Equal(RunnerApp.CannotRun, await Rfc8441Command.RunAsync(new(url, false, null, [], false, reports.Root, null), TextWriter.Null, NullLogger.Instance, CancellationToken.None));
    }

    [Fact]
    public async Task A_server_that_is_not_there_cannot_run_and_no_report_is_written()
    {
        // A port that was free a moment ago: nothing listens there.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var reports = new TempReports();
        int exit = await Rfc8441Command.RunAsync(new($"http://127.0.0.1:{port}/", false, null, [], false, reports.Root, null), TextWriter.Null, NullLogger.Instance, CancellationToken.None);
        Assert.Equal(RunnerApp.CannotRun, exit);
        Assert.False(Directory.Exists(Path.Combine(reports.Root, Rfc8441Report.Folder)));
    }
}
