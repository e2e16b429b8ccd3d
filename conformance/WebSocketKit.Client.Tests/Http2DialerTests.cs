using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using WebSocketKit.AspNetCore;
using WebSocketKit.EchoServer;
using WebSocketKit.Protocol;
using Xunit;

namespace WebSocketKit.ClientTests;

/// <summary>
/// RFC 8441 end to end: our Dialer opens WebSockets with an extended CONNECT through
/// SocketsHttpHandler, against our Upgrader in Kestrel and against Kestrel's own WebSocket
/// middleware, over h2c (prior knowledge) and TLS (ALPN h2), on real TCP on 127.0.0.1.
/// </summary>
public class Http2DialerTests
{
    private static Dialer Http2Dialer(HttpVersionPolicy policy = HttpVersionPolicy.RequestVersionExact, X509Certificate2? pinned = null) => new()
    {
        HttpVersion = HttpVersion.Version20,
        HttpVersionPolicy = policy,
        TlsOptions = pinned is null ? null : new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == pinned.GetCertHashString(),
        },
    };

    /// <summary>Our echo host on Kestrel (h2c by default), started on a free port.</summary>
    internal static async Task<KestrelEchoHost> EchoHostAsync(Upgrader upgrader, KestrelEchoProtocols protocols = KestrelEchoProtocols.Http2Cleartext,
        X509Certificate2? certificate = null)
    {
        var host = new KestrelEchoHost(0, upgrader, protocols, certificate);
        await host.StartAsync(Bounds.Token());
        return host;
    }

    private static async Task EchoesAsync(Conn conn, MessageType type, byte[] payload)
    {
        await conn.WriteMessageAsync(type, payload, Bounds.Token());
        var (got, data) = await conn.ReadMessageAsync(Bounds.Token());
        Assert.Equal(type, got);
        Assert.Equal(payload, data);
    }

    [Fact]
    public async Task Over_h2c_an_extended_CONNECT_echoes_text_binary_fragmented_and_compressed_messages()
    {
        await using var host = await EchoHostAsync(new Upgrader { EnableCompression = true, Subprotocols = ["echo.v2"] });
        var dialer = Http2Dialer();
        dialer.EnableCompression = true;
        dialer.Subprotocols = ["echo.v1", "echo.v2"];
        var (conn, response) = await dialer.DialAsync(new Uri($"ws://127.0.0.1:{host.Port}/echo"), cancellationToken: Bounds.Token());
        await using var _ = conn;
        Assert.Equal(HttpVersion.Version20, conn.HttpVersion);
        Assert.Equal(200, response.StatusCode);
        Assert.Null(response.Headers.Get("Sec-WebSocket-Accept"));
        Assert.StartsWith("permessage-deflate", response.Headers.Get("Sec-WebSocket-Extensions"));
        Assert.Equal("echo.v2", conn.Subprotocol);

        await EchoesAsync(conn, MessageType.Text, Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("héllo, HTTP/2 ", 500))));
        await EchoesAsync(conn, MessageType.Binary, RandomNumberGenerator.GetBytes(70_000));
        // A message written in pieces larger than the write buffer leaves as several frames.
        var pieces = Enumerable.Range(0, 3).Select(_ => Encoding.ASCII.GetBytes(Convert.ToHexString(RandomNumberGenerator.GetBytes(20_000)))).ToArray();
        await using (var writer = conn.NextWriter(MessageType.Text))
            foreach (var piece in pieces) await writer.WriteAsync(piece, Bounds.Token());
        var (type, echoed) = await conn.ReadMessageAsync(Bounds.Token());
        Assert.Equal(MessageType.Text, type);
        Assert.Equal(pieces.SelectMany(p => p).ToArray(), echoed);
        await conn.CloseAsync(1000, "", Bounds.Token());
        Assert.Equal(1, host.Http2WebSockets);
        Assert.Equal(0, host.Http1WebSockets);
    }

    [Fact]
    public async Task Over_TLS_the_Dialer_negotiates_h2_by_ALPN_and_the_default_Dialer_still_upgrades_over_HTTP11()
    {
        using var certificate = TestCertificate.Create();
        await using var host = await EchoHostAsync(new Upgrader(), KestrelEchoProtocols.Http1AndHttp2, certificate);
        var uri = new Uri($"wss://127.0.0.1:{host.Port}/");
        var (conn, response) = await Http2Dialer(pinned: certificate).DialAsync(uri, cancellationToken: Bounds.Token());
        Assert.Equal(HttpVersion.Version20, conn.HttpVersion);
        Assert.Equal(200, response.StatusCode);
        await EchoesAsync(conn, MessageType.Text, "over h2"u8.ToArray());
        await conn.CloseAsync(1000, "", Bounds.Token());

        var classic = new Dialer { TlsOptions = new() { RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == certificate.GetCertHashString() } };
        (conn, response) = await classic.DialAsync(uri, cancellationToken: Bounds.Token());
        Assert.Equal(HttpVersion.Version11, conn.HttpVersion);
        Assert.Equal(101, response.StatusCode);
        await EchoesAsync(conn, MessageType.Text, "over http/1.1"u8.ToArray());
        await conn.CloseAsync(1000, "", Bounds.Token());
        Assert.Equal(1, host.Http2WebSockets);
        Assert.Equal(1, host.Http1WebSockets);
    }

    [Fact]
    public async Task NetDial_opens_the_HTTP2_connection_once_for_all_the_Dialers_WebSockets()
    {
        await using var host = await EchoHostAsync(new Upgrader());
        int dials = 0;
        var dialer = Http2Dialer();
        dialer.NetDial = async (h, port, token) =>
        {
            Interlocked.Increment(ref dials);
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            await socket.ConnectAsync(h, port, token);
            return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        };
        var uri = new Uri($"ws://127.0.0.1:{host.Port}/");
        var (a, _) = await dialer.DialAsync(uri, cancellationToken: Bounds.Token());
        var (b, _) = await dialer.DialAsync(uri, cancellationToken: Bounds.Token());
        await EchoesAsync(a, MessageType.Text, "a"u8.ToArray());
        await EchoesAsync(b, MessageType.Text, "b"u8.ToArray());
        Assert.Equal(1, dials);
        await a.CloseAsync(1000, "", Bounds.Token());
        await b.CloseAsync(1000, "", Bounds.Token());
    }

    [Fact]
    public async Task A_4_MiB_message_crosses_the_HTTP2_flow_control_windows_both_ways()
    {
        var upgrader = new Upgrader { ConnectionOptions = new ConnectionOptions { ReadLimit = 8 << 20 } };
        await using var host = await EchoHostAsync(upgrader);
        var dialer = Http2Dialer();
        dialer.ConnectionOptions.ReadLimit = 8 << 20;
        var (conn, _) = await dialer.DialAsync(new Uri($"ws://127.0.0.1:{host.Port}/"), cancellationToken: Bounds.Token());
        await using var _c = conn;
        // Far beyond the 64 KiB initial window of RFC 9113 and Kestrel's larger defaults: the
        // message only arrives if both ends keep sending WINDOW_UPDATE while reading.
        await EchoesAsync(conn, MessageType.Binary, RandomNumberGenerator.GetBytes(4 << 20));
        await conn.CloseAsync(1000, "", Bounds.Token());
    }

    /// <summary>
    /// A Kestrel app that serves our Upgrader over HTTP/2 and records, per WebSocket, the HTTP/2
    /// connection it came on and how its server side ended.
    /// </summary>
    private sealed class RecordingHost : IAsyncDisposable
    {
        private readonly KestrelHost _host;
        public readonly ConcurrentQueue<string> ConnectionIds = new();
        public readonly ConcurrentQueue<(EndPoint? Local, EndPoint? Remote)> EndPoints = new();
        public readonly ConcurrentQueue<Exception> Endings = new();
        private readonly SemaphoreSlim _ended = new(0);

        private RecordingHost(KestrelHost host) => _host = host;
        public int Port => _host.Port;

        public static async Task<RecordingHost> StartAsync(X509Certificate2? certificate = null)
        {
            RecordingHost? self = null;
            var upgrader = new Upgrader();
            var host = await KestrelHost.StartAsync(app => app.Run(async context =>
            {
                var conn = await upgrader.UpgradeAsync(context);
                self!.ConnectionIds.Enqueue(context.Connection.Id);
                // The stream hides the socket; the endpoints come from the HTTP/2 connection Kestrel reports.
                self.EndPoints.Enqueue((conn.LocalEndPoint, conn.RemoteEndPoint));
                await using (conn)
                {
                    try
                    {
                        while (true)
                        {
                            var (type, data) = await conn.ReadMessageAsync();
                            string text = type == MessageType.Text ? Encoding.UTF8.GetString(data) : "";
                            if (text.StartsWith("close ", StringComparison.Ordinal))
                                await conn.CloseAsync(4002, text["close ".Length..]);
                            else if (text == "abort")
                                conn.Abort();   // gorilla's Close: drop the connection without a close handshake
                            else
                                await conn.WriteMessageAsync(type, data);
                        }
                    }
                    catch (Exception e)
                    {
                        self!.Endings.Enqueue(e);
                        self._ended.Release();
                    }
                }
            }), certificate, HttpProtocols.Http2);
            self = new RecordingHost(host);
            return self;
        }

        /// <summary>Waits for the server side of the next WebSocket to end and returns why.</summary>
        public async Task<Exception> NextEndingAsync()
        {
            Assert.True(await _ended.WaitAsync(Bounds.Step), "the server side did not end");
            Assert.True(Endings.TryDequeue(out var e));
            return e;
        }

        public ValueTask DisposeAsync() => _host.DisposeAsync();
    }

    [Fact]
    public async Task A_WebSocket_stream_carries_more_than_Kestrels_request_body_limit_and_stays_open_while_idle()
    {
        // An HTTP/2 WebSocket stays a request to Kestrel: its body size limit (30,000,000 octets by
        // default) and its minimum body data rate (240 octets/s after a 5 s grace) must not apply to
        // it, or a long-lived WebSocket would be cut off. The read limit governs messages instead.
        var upgrader = new Upgrader { ConnectionOptions = new ConnectionOptions { ReadLimit = 9 << 20 } };
        await using var host = await EchoHostAsync(upgrader);
        var dialer = Http2Dialer();
        dialer.ConnectionOptions.ReadLimit = 9 << 20;
        var (conn, _) = await dialer.DialAsync(new Uri($"ws://127.0.0.1:{host.Port}/"), cancellationToken: Bounds.Token());
        await using var _c = conn;
        var payload = RandomNumberGenerator.GetBytes(8 << 20);
        for (int i = 0; i < 4; i++) await EchoesAsync(conn, MessageType.Binary, payload);
        // Idle past the data-rate grace period (the idleness is what is tested, not a wait for an event).
        await Task.Delay(TimeSpan.FromSeconds(7));
        await EchoesAsync(conn, MessageType.Text, "still here"u8.ToArray());
        await conn.CloseAsync(1000, "", Bounds.Token());
    }

    [Fact]
    public async Task The_close_handshake_carries_code_and_reason_both_ways_and_the_HTTP2_connection_serves_on()
    {
        await using var host = await RecordingHost.StartAsync();
        var dialer = Http2Dialer();
        var uri = new Uri($"ws://127.0.0.1:{host.Port}/");

        var (first, _) = await dialer.DialAsync(uri, cancellationToken: Bounds.Token());
        await first.CloseAsync(4001, "client bye", Bounds.Token());
        Assert.True(first.PeerSentClose);
        var seen = Assert.IsType<CloseException>(await host.NextEndingAsync());
        Assert.Equal((4001, "client bye"), (seen.Code, seen.Text));

        var (second, _) = await dialer.DialAsync(uri, cancellationToken: Bounds.Token());
        await second.WriteMessageAsync(MessageType.Text, "close server bye"u8.ToArray(), Bounds.Token());
        var closed = await Assert.ThrowsAsync<CloseException>(async () => await second.ReadMessageAsync(Bounds.Token()));
        Assert.Equal((4002, "server bye"), (closed.Code, closed.Text));
        await second.DisposeAsync();
        await host.NextEndingAsync();

        var (third, _) = await dialer.DialAsync(uri, cancellationToken: Bounds.Token());
        await EchoesAsync(third, MessageType.Text, "still here"u8.ToArray());
        await third.CloseAsync(1000, "", Bounds.Token());
        // All three WebSockets were streams of one HTTP/2 connection: closing one ended its stream only.
        Assert.Single(host.ConnectionIds.Distinct());
        Assert.Equal(3, host.ConnectionIds.Count);
        var (local, remote) = host.EndPoints.First();
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, host.Port), local);
        Assert.Equal(IPAddress.Loopback, Assert.IsType<IPEndPoint>(remote).Address);
    }

    // A masked frame with an all-zero key, so the payload goes as it is.
    private static byte[] MaskedFrame(byte first, params byte[] payload) => [first, (byte)(0x80 | payload.Length), 0, 0, 0, 0, .. payload];

    private static async Task<(byte[] Bytes, Exception? Ending)> ReadToEndAsync(Stream stream)
    {
        var all = new MemoryStream();
        var buffer = new byte[1024];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, Bounds.Token())) > 0) all.Write(buffer, 0, n);
            return (all.ToArray(), null);
        }
        catch (IOException e)
        {
            return (all.ToArray(), e);
        }
    }

    [Fact]
    public async Task After_a_Close_frame_the_stream_ends_in_order_an_abort_resets_it_and_a_sibling_stream_keeps_echoing()
    {
        await using var host = await RecordingHost.StartAsync();
        var dialer = Http2Dialer();
        var uri = new Uri($"ws://127.0.0.1:{host.Port}/");
        var (closing, _) = await dialer.DialAsync(uri, cancellationToken: Bounds.Token());
        var (failing, _) = await dialer.DialAsync(uri, cancellationToken: Bounds.Token());
        var (aborted, _) = await dialer.DialAsync(uri, cancellationToken: Bounds.Token());
        var (sibling, _) = await dialer.DialAsync(uri, cancellationToken: Bounds.Token());
        await EchoesAsync(sibling, MessageType.Text, "before"u8.ToArray());

        // Close 1000 written by hand: the server answers with its Close, then ends the stream (END_STREAM, read as 0 bytes).
        await closing.UnderlyingStream.WriteAsync(MaskedFrame(0x88, 0x03, 0xE8), Bounds.Token());
        await closing.UnderlyingStream.FlushAsync(Bounds.Token());
        var (bytes, ending) = await ReadToEndAsync(closing.UnderlyingStream);
        Assert.True(ending is null, $"{Convert.ToHexString(bytes)} {ending}");
        Assert.Equal(new byte[] { 0x88, 0x02, 0x03, 0xE8 }, bytes);
        Assert.IsType<CloseException>(await host.NextEndingAsync());

        // Opcode 3 is reserved (RFC 6455 section 5.2): the server fails the WebSocket with Close
        // 1002 and then ends the stream in order, as it would close TCP (RFC 8441 section 5), so
        // the Close frame is not lost to a reset.
        await failing.UnderlyingStream.WriteAsync(MaskedFrame(0x83), Bounds.Token());
        await failing.UnderlyingStream.FlushAsync(Bounds.Token());
        (bytes, ending) = await ReadToEndAsync(failing.UnderlyingStream);
        Assert.True(ending is null && bytes is [0x88, _, 0x03, 0xEA, ..], $"{Convert.ToHexString(bytes)} {ending}"); // Close, code 1002
        Assert.IsType<WebSocketProtocolException>(await host.NextEndingAsync());

        // Dropped without a close handshake (gorilla's Close), the server's WebSocket resets its stream (RST_STREAM).
        await aborted.WriteMessageAsync(MessageType.Text, "abort"u8.ToArray(), Bounds.Token());
        (bytes, ending) = await ReadToEndAsync(aborted.UnderlyingStream);
        Assert.Empty(bytes);
        var reset = Assert.IsType<HttpProtocolException>(ending);
        Assert.Contains("reset the stream", reset.Message);
        Assert.IsType<ConnectionClosedException>(await host.NextEndingAsync());

        // The other stream on the same connection never noticed.
        await EchoesAsync(sibling, MessageType.Binary, RandomNumberGenerator.GetBytes(100_000));
        await sibling.CloseAsync(1000, "", Bounds.Token());
        Assert.Equal(4, host.ConnectionIds.Count);
        Assert.Single(host.ConnectionIds.Distinct());
        await closing.DisposeAsync();
        await failing.DisposeAsync();
        await aborted.DisposeAsync();
    }

    [Fact]
    public async Task A_client_that_drops_its_WebSocket_resets_only_that_stream()
    {
        await using var host = await RecordingHost.StartAsync();
        var dialer = Http2Dialer();
        var uri = new Uri($"ws://127.0.0.1:{host.Port}/");
        var (dropped, _) = await dialer.DialAsync(uri, cancellationToken: Bounds.Token());
        var (sibling, _) = await dialer.DialAsync(uri, cancellationToken: Bounds.Token());
        await EchoesAsync(dropped, MessageType.Text, "soon gone"u8.ToArray());

        // gorilla's Close on the client: no close handshake, so the stream is reset. SocketsHttpHandler resets a
        // request by disposing it, which sends END_STREAM just before RST_STREAM; a busy server reads one or the
        // other first (the whole test assembly in parallel: "unexpected end of stream" in 2 runs of 3, at 0 ms;
        // cancelling the request instead sent no reset at all within 5 s once). Either way the server sees 1006.
        dropped.Abort();
        var ending = Assert.IsType<CloseException>(await host.NextEndingAsync());
        Assert.Equal(CloseStatus.AbnormalClosure, ending.Code);
        string why = ending.InnerException?.Message ?? ending.Message;
        Assert.True(why.Contains("reset", StringComparison.OrdinalIgnoreCase) || why.Contains("unexpected end of stream", StringComparison.Ordinal), why);

        await EchoesAsync(sibling, MessageType.Text, "unaffected"u8.ToArray());
        await sibling.CloseAsync(1000, "", Bounds.Token());
        Assert.Single(host.ConnectionIds.Distinct());
    }

    [Fact]
    public async Task Shutting_the_Kestrel_echo_host_down_closes_its_HTTP2_WebSockets_with_1001()
    {
        var host = await EchoHostAsync(new Upgrader());
        try
        {
            var (conn, _) = await Http2Dialer().DialAsync(new Uri($"ws://127.0.0.1:{host.Port}/"), cancellationToken: Bounds.Token());
            await EchoesAsync(conn, MessageType.Text, "up"u8.ToArray());
            // The client must be reading to see the Close and answer it.
            var read = conn.ReadMessageAsync(Bounds.Token()).AsTask();
            var done = await host.ShutdownAsync(TimeSpan.FromSeconds(5));
            var closed = await Assert.ThrowsAsync<CloseException>(() => read);
            Assert.Equal(CloseStatus.GoingAway, closed.Code);
            Assert.Equal(new ShutdownResult(1, 1, 0), done);
            await conn.DisposeAsync();
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_foreign_origin_is_refused_with_403_and_the_Dialer_reports_the_status_and_body()
    {
        await using var host = await EchoHostAsync(new Upgrader());
        var e = await Assert.ThrowsAsync<BadHandshakeException>(async () => await Http2Dialer()
            .DialAsync(new Uri($"ws://127.0.0.1:{host.Port}/"), [new("Origin", "http://evil.test")], Bounds.Token()));
        Assert.Equal(403, e.Status);
        Assert.Equal(403, e.Response!.StatusCode);
        Assert.Contains("origin not allowed", Encoding.UTF8.GetString(e.Body));
        Assert.Equal(0, host.Http2WebSockets);
    }

    [Fact]
    public async Task A_wrong_version_is_refused_with_400_naming_version_13()
    {
        await using var host = await EchoHostAsync(new Upgrader());
        using var handler = new SocketsHttpHandler();
        using var request = new HttpRequestMessage(HttpMethod.Connect, $"http://127.0.0.1:{host.Port}/")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Protocol = "websocket";
        request.Headers.TryAddWithoutValidation("Sec-WebSocket-Version", "8");
        using var response = await new HttpMessageInvoker(handler).SendAsync(request, Bounds.Token());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("13", response.Headers.GetValues("Sec-WebSocket-Version").Single());
    }

    [Fact]
    public async Task The_Dialer_talks_to_Kestrels_own_WebSocket_middleware_over_h2_with_compression()
    {
        await using var host = await KestrelHost.StartAsync(app =>
        {
            app.UseWebSockets();
            app.Run(async context =>
            {
                if (!context.WebSockets.IsWebSocketRequest)
                {
                    context.Response.StatusCode = 400;
                    return;
                }
                using var ws = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { DangerousEnableCompression = true });
                await KestrelHost.PlatformEchoAsync(ws, context.RequestAborted);
            });
        }, protocols: HttpProtocols.Http2);
        var dialer = Http2Dialer();
        dialer.EnableCompression = true;
        var (conn, response) = await dialer.DialAsync(new Uri($"ws://127.0.0.1:{host.Port}/"), cancellationToken: Bounds.Token());
        Assert.Equal(HttpVersion.Version20, conn.HttpVersion);
        Assert.StartsWith("permessage-deflate", response.Headers.Get("Sec-WebSocket-Extensions"));
        await EchoesAsync(conn, MessageType.Text, Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("compressible ", 1000))));
        await EchoesAsync(conn, MessageType.Binary, RandomNumberGenerator.GetBytes(200_000));
        await conn.CloseAsync(1000, "bye", Bounds.Token());
        Assert.True(conn.PeerSentClose);
    }

    [Fact]
    public async Task A_client_that_answers_the_servers_Close_and_lets_go_at_once_still_delivers_its_Close()
    {
        // The server closes first and waits for the client's Close. Our client answers it inside the
        // read and the application disposes at once, as gorilla's users do. Over HTTP/2 disposing
        // before the server ended the stream would reset it, and the server could lose the Close
        // frame: the client waits for the server's END_STREAM instead (RFC 6455 section 7.1.1).
        var outcomes = System.Threading.Channels.Channel.CreateUnbounded<string>();
        await using var host = await KestrelHost.StartAsync(app =>
        {
            app.UseWebSockets();
            app.Run(async context =>
            {
                using var ws = await context.WebSockets.AcceptWebSocketAsync();
                try
                {
                    await ws.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "bye", context.RequestAborted);
                    outcomes.Writer.TryWrite($"{ws.State} {ws.CloseStatus}");
                }
                catch (Exception e)
                {
                    outcomes.Writer.TryWrite(e.GetType().Name);
                }
            });
        }, protocols: HttpProtocols.Http2);
        var dialer = Http2Dialer();
        const int Rounds = 20;
        for (int i = 0; i < Rounds; i++)
        {
            var (conn, _) = await dialer.DialAsync(new Uri($"ws://127.0.0.1:{host.Port}/"), cancellationToken: Bounds.Token());
            await using (conn)
            {
                var closed = await Assert.ThrowsAsync<CloseException>(async () => await conn.ReadMessageAsync(Bounds.Token()));
                Assert.Equal(CloseStatus.NormalClosure, closed.Code);
            }
        }
        var seen = new List<string>();
        var bound = Bounds.Token();
        while (seen.Count < Rounds) seen.Add(await outcomes.Reader.ReadAsync(bound));
        Assert.Equal(Enumerable.Repeat("Closed NormalClosure", Rounds), seen);
    }

    public static TheoryData<bool> Tls => new() { false, true };

    // A server that speaks HTTP/1.1 only: cleartext, or TLS whose ALPN never picks h2.
    private static async Task<KestrelHost> Http11OnlyAsync(X509Certificate2? certificate)
        => await KestrelHost.StartUpgraderEchoAsync(new Upgrader(), certificate, protocols: HttpProtocols.Http1);

    [Theory, MemberData(nameof(Tls))]
    public async Task HTTP2_only_against_an_HTTP11_only_server_fails_clearly(bool tls)
    {
        using var certificate = tls ? TestCertificate.Create() : null;
        await using var host = await Http11OnlyAsync(certificate);
        var dial = async () => await Http2Dialer(pinned: certificate)
            .DialAsync(new Uri($"{(tls ? "wss" : "ws")}://127.0.0.1:{host.Port}/"), cancellationToken: Bounds.Token());
        if (tls)
        {
            // Kestrel without HTTP/2 ends a TLS handshake that offers only h2 with no_application_protocol.
            var e = await Assert.ThrowsAsync<System.Security.Authentication.AuthenticationException>(dial);
            Assert.Contains("HTTP/2", e.Message);
        }
        else
        {
            // Kestrel answers the h2c preface with GOAWAY HTTP_1_1_REQUIRED.
            var e = await Assert.ThrowsAsync<BadHandshakeException>(dial);
            Assert.Equal(0, e.Status);
            Assert.Contains("HTTP_1_1_REQUIRED", e.Reason);
        }
    }

    [Theory, MemberData(nameof(Tls))]
    public async Task HTTP2_or_lower_falls_back_to_the_HTTP11_upgrade(bool tls)
    {
        using var certificate = tls ? TestCertificate.Create() : null;
        await using var host = await Http11OnlyAsync(certificate);
        var (conn, response) = await Http2Dialer(HttpVersionPolicy.RequestVersionOrLower, certificate)
            .DialAsync(new Uri($"{(tls ? "wss" : "ws")}://127.0.0.1:{host.Port}/"), cancellationToken: Bounds.Token());
        Assert.Equal(HttpVersion.Version11, conn.HttpVersion);
        Assert.Equal(101, response.StatusCode);
        await EchoesAsync(conn, MessageType.Text, "fell back"u8.ToArray());
        await conn.CloseAsync(1000, "", Bounds.Token());
    }

    [Fact]
    public async Task The_handshake_timeout_bounds_an_extended_CONNECT_the_server_never_answers()
    {
        await using var host = await KestrelHost.StartAsync(app => app.Run(async context =>
        {
            try { await Task.Delay(Timeout.Infinite, context.RequestAborted); }
            catch (OperationCanceledException) { }
        }), protocols: HttpProtocols.Http2);
        var dialer = Http2Dialer();
        dialer.HandshakeTimeout = TimeSpan.FromMilliseconds(300);
        await Assert.ThrowsAsync<TimeoutException>(async () =>
            await dialer.DialAsync(new Uri($"ws://127.0.0.1:{host.Port}/"), cancellationToken: Bounds.Token()));
    }
}
