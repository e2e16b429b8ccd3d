using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Autobahn.Engine.Cases;
using Autobahn.Engine.Engine;
using Autobahn.Engine.Transport;
using Autobahn.Vocabulary;
using KestrelEcho;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Xunit;
using Xunit.Abstractions;

namespace Autobahn.Engine.Tests;

/// <summary>
/// Server mode over HTTP/2 (RFC 8441): each case is an extended CONNECT stream to ASP.NET Core's WebSocket middleware
/// on Kestrel. The orderly end of a WebSocket ends its stream; a server that closes the TCP connection instead fails.
/// </summary>
public sealed class Http2ServerModeTests(ITestOutputHelper output)
{
    private static readonly List<string> Subset = ["1.*", "2.*", "5.*", "7.*", "12.1.1", "12.1.2", "12.1.3", "12.1.4", "12.1.5", "12.1.6"];

    private static bool Failing(CaseResult r) => new VerdictPolicy(ClaimsCompression: true).Reason(r.Behavior, r.BehaviorClose) is not null;

    // Load-tolerant like the other peer tests: Kestrel's middleware runs eight cases at once on two cores here.
    private static JsonObject Over(string transport)
    {
        var options = EngineRuns.LoadTolerant;
        options["transport"] = transport;
        options["acceptAnyCertificate"] = true;
        return options;
    }

    private static string Describe(CaseResult r) =>
        $"{r.Case.Id} {r.Behavior}/{r.BehaviorClose} ({r.Result} / {r.ResultClose}; {r.WasNotCleanReason})";

    [Fact]
    public async Task The_Kestrel_middleware_over_h2c_fails_no_case_and_every_case_runs_on_an_HTTP2_stream()
    {
        await using var server = await EchoApp.StartAsync(new EchoOptions("h2c", Compress: true));
        var results = await EngineRuns.AgainstAsync(new Uri($"ws://127.0.0.1:{server.Port}/"), "kestrel (h2c)", Subset, parallel: 8, serverOptions: Over("h2c"));
        output.WriteLine(ChapterTable.Format("kestrel (h2c)", results));

        Assert.Equal(CaseCatalog.Select(Subset, []).Count, results.Count);
        Assert.All(results, r => Assert.Equal(WebSocketTransports.H2c, r.Transport));
        Assert.All(results, r => Assert.StartsWith(":method: CONNECT\r\n:protocol: websocket\r\n", r.HttpRequest, StringComparison.Ordinal));
        var failing = results.Where(Failing).Select(Describe).ToList();
        Assert.True(failing.Count == 0, string.Join("\n", failing));
        // permessage-deflate was agreed in the HTTP/2 headers: no compression case is left unimplemented.
        Assert.DoesNotContain(results, r => r.Case.Id.StartsWith("12.", StringComparison.Ordinal) && r.Behavior == VerdictWords.Unimplemented);
    }

    [Fact]
    public async Task Over_h2_the_engine_speaks_TLS_with_ALPN_and_accepts_a_self_signed_certificate_when_told()
    {
        await using var server = await EchoApp.StartAsync(new EchoOptions("h2"));
        var url = new Uri($"wss://127.0.0.1:{server.Port}/");
        var told = await EngineRuns.AgainstAsync(url, "kestrel (h2)", ["1.1.*", "7.1.1"], serverOptions: Over("h2"));
        Assert.All(told, r => Assert.Equal(WebSocketTransports.H2, r.Transport));
        Assert.True(!told.Any(Failing), string.Join("\n", told.Where(Failing).Select(Describe)));

        // Not told: the certificate is checked, and a self-signed one ends every case at the opening handshake.
        var untold = await EngineRuns.AgainstAsync(url, "kestrel (h2)", ["1.1.1"], serverOptions: new() { ["transport"] = "h2" });
        var refused = Assert.Single(untold);
        Assert.Equal(VerdictWords.Failed, refused.Behavior);
        Assert.Equal("The WebSocket opening handshake was never completed!", refused.ResultClose);
    }

    /// <summary>
    /// The HTTP/1.1 habit carried over: once the closing handshake is done the server closes the TCP connection,
    /// where RFC 8441 section 5 has it end the stream (and the connection may carry other streams). Every judged case
    /// that ends with our close answered by the server must fail; the cases in which the middleware fails the
    /// connection itself (it then resets the stream) are untouched by the fault and must not.
    /// </summary>
    [Fact]
    public async Task A_server_that_closes_TCP_instead_of_ending_the_stream_fails_exactly_the_cases_whose_close_it_answers()
    {
        // Not chapters 3, 4 and 7.3 onwards: there the middleware fails fast, and whether it answers with its Close or
        // resets the stream is its own timing, so the faultless run could not say which cases the fault will reach.
        List<string> chapters = ["1.*", "2.*", "5.*", "7.1.*", "7.7.*"];
        Dictionary<string, CaseResult> faultless, broken;
        await using (var server = await EchoApp.StartAsync(new EchoOptions("h2c")))
            faultless = (await EngineRuns.AgainstAsync(new Uri($"ws://127.0.0.1:{server.Port}/"), "kestrel (h2c)", chapters, parallel: 8, serverOptions: Over("h2c"))).ToDictionary(r => r.Case.Id);
        await using (var server = await ClosesTcpAfterTheClosingHandshake.StartAsync())
            broken = (await EngineRuns.AgainstAsync(new Uri($"ws://127.0.0.1:{server.Port}/"), "broken (h2c)", chapters, parallel: 8, serverOptions: Over("h2c"))).ToDictionary(r => r.Case.Id);

        var faultlessFailing = faultless.Values.Where(Failing).Select(Describe).ToList();
        Assert.True(faultlessFailing.Count == 0, "the faultless server failed: " + string.Join("\n", faultlessFailing));
        // Against the faultless server: we closed, the server answered, and the case is judged (informational ones never fail).
        var expected = faultless.Values.Where(r => r.WasClean && r.ClosedByMe && r.Case.Judging != Judging.Informational).Select(r => r.Case.Id).ToHashSet();
        var actual = broken.Values.Where(Failing).Select(r => r.Case.Id).ToHashSet();
        Assert.NotEmpty(expected);
        Assert.NotEqual(faultless.Count, expected.Count);
        Assert.True(expected.SetEquals(actual),
            $"ended in a closing handshake but passed: {string.Join("; ", expected.Except(actual).Select(id => Describe(broken[id])))}; " +
            $"failed without one: {string.Join("; ", actual.Except(expected).Select(id => Describe(broken[id])))}");
        // FAILED with the transport's reason; or UNCLEAN when the abort discarded the server's own Close frame before it
        // left Kestrel (the server counts the handshake done once it has written it). Either way the fault does not pass.
        Assert.All(actual, id => Assert.True(broken[id].BehaviorClose is VerdictWords.Failed or VerdictWords.Unclean, Describe(broken[id])));
        Assert.Contains(actual, id => broken[id].BehaviorClose == VerdictWords.Failed);
    }

    /// <summary>
    /// RFC 8441 section 3: a client must not send an extended CONNECT until the server has said
    /// SETTINGS_ENABLE_CONNECT_PROTOCOL = 1. A server whose SETTINGS leave it out fails every case at the opening
    /// handshake, and the report says why.
    /// </summary>
    [Fact]
    public async Task A_server_that_does_not_advertise_extended_CONNECT_fails_every_case_at_the_opening_handshake()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource();
        var serving = NoExtendedConnectAsync(listener, stop.Token);
        try
        {
            var results = await EngineRuns.AgainstAsync(new Uri($"ws://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}/"), "no-setting (h2c)", ["1.1.1", "2.1", "7.1.1"], serverOptions: Over("h2c"));
            Assert.Equal(3, results.Count);
            Assert.All(results, r =>
            {
                Assert.Equal(VerdictWords.Failed, r.Behavior);
                Assert.Equal("The WebSocket opening handshake was never completed!", r.ResultClose);
                Assert.Contains("SETTINGS_ENABLE_CONNECT_PROTOCOL", r.WasNotCleanReason, StringComparison.Ordinal);
            });
        }
        finally
        {
            await stop.CancelAsync();
            listener.Stop();
            await serving;
        }
    }

    /// <summary>An HTTP/2 server reduced to its greeting: an empty SETTINGS frame, then it reads and ignores what comes.</summary>
    private static async Task NoExtendedConnectAsync(System.Net.Sockets.TcpListener listener, CancellationToken ct)
    {
        var open = new List<Task>();
        try
        {
            while (true)
            {
                var socket = await listener.AcceptSocketAsync(ct);
                open.Add(Task.Run(async () =>
                {
                    using var _ = socket;
                    // Frame header: length 0, type SETTINGS (4), no flags, stream 0 (RFC 9113 section 6.5).
                    await socket.SendAsync(new byte[] { 0, 0, 0, 4, 0, 0, 0, 0, 0 }, System.Net.Sockets.SocketFlags.None, ct);
                    var buffer = new byte[4096];
                    while (await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, ct) > 0) { }
                }, ct));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or System.Net.Sockets.SocketException or ObjectDisposedException) { }
        try { await Task.WhenAll(open); }
        catch (Exception e) when (e is OperationCanceledException or System.Net.Sockets.SocketException) { }
    }

    /// <summary>The Kestrel echo with one fault: after a closing handshake it aborts the whole connection the stream is on.</summary>
    private static class ClosesTcpAfterTheClosingHandshake
    {
        /// <summary>The request's stream, which the WebSocket's Dispose leaves to the request to end.</summary>
        private sealed class UndisposedStream(Stream inner) : Stream
        {
            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => true;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
            public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
            public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override void Flush() { }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
        }

        public static Task<EchoApp> StartAsync()
        {
            var connections = new System.Collections.Concurrent.ConcurrentDictionary<string, ConnectionContext>();
            return EchoApp.StartAsync(new EchoOptions("h2c",
                Listen: listen => listen.Use(next => async connection =>
                {
                    connections[connection.ConnectionId] = connection;
                    try { await next(connection); }
                    finally { connections.TryRemove(connection.ConnectionId, out _); }
                }),
                // The middleware's WebSocket disposes its stream once both Close frames are across, and Kestrel may
                // then end the stream (END_STREAM) before the abort below: the fault would race the clean ending it
                // replaces (7.7.9 passed once under load). Over a stream it cannot dispose, the stream ends only when
                // this request returns, which is after the abort.
                Accept: async context =>
                {
                    var stream = await context.Features.Get<IHttpExtendedConnectFeature>()!.AcceptAsync();
                    return WebSocket.CreateFromStream(new UndisposedStream(stream), new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
                },
                AfterEcho: async (context, ws) =>
                {
                    // Closed: both close frames went across (a failed WebSocket is Aborted, and its stream reset).
                    if (ws.State != WebSocketState.Closed || !connections.TryGetValue(context.Connection.Id, out var connection)) return;
                    // The socket itself is closed (FIN, with no GOAWAY before it), as a server with the HTTP/1.1 habit
                    // does: this test is about the plain TCP close. (GOAWAY followed by a close has its own tests in
                    // Autobahn.Engine.Http2.Tests, StreamEndVerdictTests.)
                    connection.Features.Get<IConnectionSocketFeature>()?.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Both);
                    connection.Abort();
                    // Returning would end the stream (END_STREAM) if the connection were still up: wait until Kestrel
                    // has seen it go, so the fault is the same every time.
                    var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    using (context.RequestAborted.Register(() => gone.TrySetResult()))
                        await gone.Task.WaitAsync(TimeSpan.FromSeconds(30));
                }));
        }
    }
}
