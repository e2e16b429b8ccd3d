using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;
using KestrelEcho;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Autobahn.Runner.Tests;

/// <summary>
/// `wsconform server|client --transport h2c|h2`: the cases run over HTTP/2 extended CONNECT streams (RFC 8441), and
/// the reports keep the run as its own agent, "&lt;agent&gt; (h2c)", beside the agent's HTTP/1.1 run.
/// </summary>
public sealed class Http2TransportTests
{
    private static readonly string[] Subset = ["1.*", "2.*", "5.*", "7.1.*"];

    private static async Task<(int Exit, IReadOnlyList<string> Log)> RunAsync(RunnerOptions options)
    {
        var log = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(log));
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var exit = await RunnerApp.RunAsync(options, factory, cts.Token);
        return (exit, log.Messages.ToList());
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static async Task EchoOnceAsync(Uri uri, string transport)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var way = new ClientWebSocketTransport(transport);
        using var ws = new ClientWebSocket();
        await way.ConnectAsync(ws, uri, cts.Token);
        await ws.SendAsync("warm"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, cts.Token);
        var echo = await ws.ReceiveAsync(new byte[16], cts.Token);
        Assert.Equal(4, echo.Count);
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
    }

    private static JsonObject CaseReport(string folder, string agent, string id) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(folder, ReportFileNames.Json(agent, id))))!.AsObject();

    [Fact]
    public async Task Server_mode_over_h2c_passes_the_Kestrel_middleware_and_keeps_its_HTTP11_run_beside_it()
    {
        using var reports = new TempReports();
        await using var h1 = await EchoApp.StartAsync(new EchoOptions("h1"));
        await using var h2c = await EchoApp.StartAsync(new EchoOptions("h2c"));
        var run = new RunnerOptions { Mode = RunMode.Server, Engine = EngineChoice.Builtin, Agent = "kestrel", Cases = Subset, ReportsDirectory = reports.Root };

        // The first cases give the server one second: a freshly started Kestrel is made to JIT its WebSocket path first.
        await EchoOnceAsync(new Uri($"ws://127.0.0.1:{h1.Port}/"), "http/1.1");
        await EchoOnceAsync(new Uri($"ws://127.0.0.1:{h2c.Port}/"), "h2c");
        var (exit1, log1) = await RunAsync(run with { Target = $"ws://127.0.0.1:{h1.Port}/" });
        var (exit2, log2) = await RunAsync(run with { Target = $"ws://127.0.0.1:{h2c.Port}/", Transport = "h2c" });

        Assert.True(exit1 == RunnerApp.Passed, string.Join("\n", log1));
        Assert.True(exit2 == RunnerApp.Passed, string.Join("\n", log2));
        var index = SuiteIndex.Load(reports.Servers);
        Assert.Equal(["kestrel", "kestrel (h2c)"], index.Agents.Select(a => a.Agent).Order(StringComparer.Ordinal));
        var runs = RunInfo.LoadAll(reports.Servers);
        Assert.Equal("http/1.1", runs["kestrel"].Transport);
        Assert.Equal("h2c", runs["kestrel (h2c)"].Transport);
        Assert.Equal("h2c", CaseReport(reports.Servers, "kestrel (h2c)", "1.1.1")["transport"]!.GetValue<string>());
        Assert.False(CaseReport(reports.Servers, "kestrel", "1.1.1").ContainsKey("transport"));
        Assert.Contains("<dt>transport</dt><dd>h2c</dd>", File.ReadAllText(Path.Combine(reports.Root, ReportFileNames.IndexHtml)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("h2c", false)]
    [InlineData("h2", true)]
    public async Task Server_mode_over_HTTP2_passes_our_own_echo_server_served_by_Kestrel(string transport, bool compression)
    {
        using var reports = new TempReports();
        var (exit, log) = await RunAsync(new RunnerOptions
        {
            Mode = RunMode.Server, Engine = EngineChoice.Builtin, Compression = compression, Transport = transport,
            Cases = [.. Subset, "12.1.1"], ReportsDirectory = reports.Root,
        });

        Assert.True(exit == RunnerApp.Passed, string.Join("\n", log));
        var agent = $"websocketkit-server ({transport})";
        Assert.Equal(agent, Assert.Single(SuiteIndex.Load(reports.Servers).Agents).Agent);
        var first = CaseReport(reports.Servers, agent, "1.1.1");
        Assert.Equal(transport, first["transport"]!.GetValue<string>());
        Assert.Equal(compression ? "OK" : "UNIMPLEMENTED", CaseReport(reports.Servers, agent, "12.1.1")["behavior"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(EchoClients.ClientWebSocket, "h2c", false, "dotnet-clientwebsocket")]
    [InlineData(EchoClients.ClientWebSocket, "h2", true, "dotnet-clientwebsocket-deflate")]
    [InlineData(EchoClients.WebSocketKit, "h2c", true, "websocketkit-client")]
    [InlineData(EchoClients.WebSocketKit, "h2", false, "websocketkit-client")]
    public async Task Client_mode_over_HTTP2_passes_a_client_on_extended_CONNECT_streams(string client, string transport, bool compression, string agentBase)
    {
        using var reports = new TempReports();
        var (exit, log) = await RunAsync(new RunnerOptions
        {
            Mode = RunMode.Client, Engine = EngineChoice.Builtin, EchoClient = client, Compression = compression,
            Transport = transport, Port = FreePort(), Cases = [.. Subset, "12.1.1"], ReportsDirectory = reports.Root,
        });

        Assert.True(exit == RunnerApp.Passed, string.Join("\n", log));
        var clients = Path.Combine(reports.Root, "clients");
        var agent = $"{agentBase} ({transport})";
        Assert.Equal(agent, Assert.Single(SuiteIndex.Load(clients).Agents).Agent);
        Assert.Equal(transport, RunInfo.LoadAll(clients)[agent].Transport);
        var first = CaseReport(clients, agent, "1.1.1");
        Assert.Equal(transport, first["transport"]!.GetValue<string>());
        Assert.StartsWith(":method: CONNECT\r\n:protocol: websocket\r\n", first["httpRequest"]!.GetValue<string>(), StringComparison.Ordinal);
        // permessage-deflate agreed in the HTTP/2 headers when the client offers it.
        Assert.Equal(compression ? "OK" : "UNIMPLEMENTED", CaseReport(clients, agent, "12.1.1")["behavior"]!.GetValue<string>());
    }

    [Fact]
    public async Task HTTP2_needs_the_builtin_engine()
    {
        using var reports = new TempReports();
        var (exit, log) = await RunAsync(new RunnerOptions
        {
            Mode = RunMode.Client, Engine = EngineChoice.Docker, Image = "nonesuch/none:0", EchoClient = EchoClients.WebSocketKit, Transport = "h2c", ReportsDirectory = reports.Root,
        });
        Assert.Equal(RunnerApp.CannotRun, exit);
        Assert.Contains(log, m => m.Contains("--transport h2c needs the built-in engine", StringComparison.Ordinal));
    }
}
