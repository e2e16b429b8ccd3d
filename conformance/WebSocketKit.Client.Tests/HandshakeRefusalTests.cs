using System.Net;
using System.Text;
using WebSocketKit.Protocol.Compression;
using Xunit;

namespace WebSocketKit.ClientTests;

/// <summary>
/// RFC 6455 section 4.1: the client fails the connection when the server's response is not a
/// proper 101 for its own request. Each bad response comes from a raw TCP server on 127.0.0.1.
/// </summary>
public class HandshakeRefusalTests
{
    private static async Task<BadHandshakeException> DialExpectingRefusal(RawServer server, Dialer? dialer = null)
        => await Assert.ThrowsAsync<BadHandshakeException>(async () =>
            await (dialer ?? new Dialer()).DialAsync(server.Uri(), cancellationToken: Bounds.Token()));

    [Fact]
    public async Task A_refusal_surfaces_its_status_and_body()
    {
        await using var server = new RawServer(_ =>
            "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 18\r\n\r\nnot for you, sorry");
        var e = await DialExpectingRefusal(server);
        Assert.Equal(403, e.Status);
        Assert.Equal("not for you, sorry", Encoding.UTF8.GetString(e.Body));
        Assert.False(e.FromProxy);
        Assert.Equal("text/plain", e.Response!.Headers.Get("Content-Type"));
    }

    [Fact]
    public async Task A_refusal_without_length_is_read_until_the_server_closes()
    {
        await using var server = new RawServer(_ => "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\ntry later",
            async stream => stream.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send));
        var e = await DialExpectingRefusal(server);
        Assert.Equal(503, e.Status);
        Assert.Equal("try later", Encoding.UTF8.GetString(e.Body));
    }

    [Fact]
    public async Task A_chunked_refusal_body_is_decoded()
    {
        await using var server = new RawServer(_ =>
            "HTTP/1.1 401 Unauthorized\r\nTransfer-Encoding: chunked\r\nSet-Cookie: tried=1; Path=/\r\n\r\n5;ext=1\r\nlog i\r\nA\r\nn first...\r\n0\r\n\r\n");
        var jar = new CookieContainer();
        var e = await DialExpectingRefusal(server, new Dialer { Jar = jar });
        Assert.Equal(401, e.Status);
        Assert.Equal("log in first...", Encoding.UTF8.GetString(e.Body));
        // Set-Cookie on a refusal is stored too.
        Assert.Equal("1", jar.GetCookies(new Uri($"http://127.0.0.1:{server.Port}/"))["tried"]?.Value);
    }

    [Fact]
    public async Task A_200_is_not_an_upgrade()
    {
        await using var server = new RawServer(_ => "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
        var e = await DialExpectingRefusal(server);
        Assert.Equal(200, e.Status);
        Assert.Equal("hi", Encoding.UTF8.GetString(e.Body));
    }

    [Fact]
    public async Task A_wrong_accept_key_fails_the_handshake()
    {
        await using var server = new RawServer(r => RawServer.Accept(r, acceptOverride: "dGhlIHNhbXBsZSBub25jZQ=="));
        var e = await DialExpectingRefusal(server);
        Assert.Equal(101, e.Status);
        Assert.Contains("Sec-WebSocket-Accept", e.Reason);
    }

    [Fact]
    public async Task A_101_without_upgrade_websocket_fails_the_handshake()
    {
        await using var server = new RawServer(r => RawServer.Accept(r).Replace("Upgrade: websocket\r\n", "Upgrade: h2c\r\n"));
        var e = await DialExpectingRefusal(server);
        Assert.Contains("Upgrade", e.Reason);
    }

    [Fact]
    public async Task A_101_without_connection_upgrade_fails_the_handshake()
    {
        await using var server = new RawServer(r => RawServer.Accept(r).Replace("Connection: Upgrade\r\n", "Connection: keep-alive\r\n"));
        var e = await DialExpectingRefusal(server);
        Assert.Contains("Connection", e.Reason);
    }

    [Fact]
    public async Task A_subprotocol_the_client_did_not_offer_fails_the_handshake()
    {
        await using var server = new RawServer(r => RawServer.Accept(r, "Sec-WebSocket-Protocol: chat.v9\r\n"));
        var e = await DialExpectingRefusal(server, new Dialer { Subprotocols = ["chat.v1", "chat.v2"] });
        Assert.Equal(101, e.Status);
        Assert.Contains("chat.v9", e.Reason);
        Assert.Equal("chat.v1, chat.v2", server.Request!.Headers.Get("Sec-WebSocket-Protocol"));
    }

    [Fact]
    public async Task An_extension_when_none_was_offered_fails_the_handshake()
    {
        await using var server = new RawServer(r => RawServer.Accept(r, "Sec-WebSocket-Extensions: permessage-deflate\r\n"));
        var e = await DialExpectingRefusal(server);
        Assert.Equal(ExtensionNegotiationError.UnexpectedExtension, e.ExtensionError);
        Assert.Null(server.Request!.Headers.Get("Sec-WebSocket-Extensions"));
    }

    [Fact]
    public async Task An_unknown_extension_in_answer_to_a_deflate_offer_fails_the_handshake()
    {
        await using var server = new RawServer(r => RawServer.Accept(r, "Sec-WebSocket-Extensions: x-webkit-deflate-frame\r\n"));
        var e = await DialExpectingRefusal(server, new Dialer { EnableCompression = true });
        Assert.Equal(ExtensionNegotiationError.UnexpectedExtension, e.ExtensionError);
        Assert.StartsWith("permessage-deflate", server.Request!.Headers.Get("Sec-WebSocket-Extensions"));
    }

    [Fact]
    public async Task A_deflate_answer_with_a_window_larger_than_asked_fails_the_handshake()
    {
        await using var server = new RawServer(r => RawServer.Accept(r, "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=15\r\n"));
        var dialer = new Dialer { EnableCompression = true, CompressionOptions = new PerMessageDeflateOptions { ServerMaxWindowBits = 10 } };
        var e = await DialExpectingRefusal(server, dialer);
        Assert.Equal(ExtensionNegotiationError.WindowLargerThanOffered, e.ExtensionError);
    }

    [Fact]
    public async Task A_malformed_status_line_fails_the_handshake()
    {
        await using var server = new RawServer(_ => "HTTP/1.1 1O1 Switching\r\n\r\n");
        var e = await DialExpectingRefusal(server);
        Assert.Equal(0, e.Status);
    }

    [Fact]
    public async Task A_server_that_never_answers_hits_the_handshake_timeout()
    {
        await using var server = new RawServer(_ => null);
        var started = DateTime.UtcNow;
        var e = await Assert.ThrowsAsync<TimeoutException>(async () =>
            await new Dialer { HandshakeTimeout = TimeSpan.FromMilliseconds(300) }.DialAsync(server.Uri(), cancellationToken: Bounds.Token()));
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(250), Bounds.Step);
        Assert.Contains("handshake timeout", e.Message);
    }

    [Fact]
    public async Task Nothing_listening_is_a_socket_error()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await Assert.ThrowsAsync<System.Net.Sockets.SocketException>(async () =>
            await new Dialer().DialAsync(new Uri($"ws://127.0.0.1:{port}/"), cancellationToken: Bounds.Token()));
    }

    [Fact]
    public async Task Headers_the_handshake_owns_are_refused_before_dialing()
    {
        await Assert.ThrowsAsync<ArgumentException>(async () =>
            await new Dialer().DialAsync(new Uri("ws://127.0.0.1:1/"), [new("Sec-WebSocket-Key", "x")]));
        await Assert.ThrowsAsync<ArgumentException>(async () => await new Dialer().DialAsync(new Uri("http://127.0.0.1:1/")));
    }

    [Fact]
    public async Task The_request_carries_the_handshake_fields_and_the_callers_headers()
    {
        await using var server = new RawServer(r => RawServer.Accept(r));
        var jar = new CookieContainer();
        jar.Add(new Uri($"http://127.0.0.1:{server.Port}/"), new Cookie("pref", "dark"));
        jar.Add(new Uri($"http://127.0.0.1:{server.Port}/elsewhere"), new Cookie("other", "no") { Path = "/elsewhere" });
        var (conn, response) = await new Dialer { Jar = jar }.DialAsync(new Uri($"ws://user:p%40ss@127.0.0.1:{server.Port}/chat?room=1"),
            [new("Origin", "http://example.test"), new("X-Trace", "42")], Bounds.Token());
        await conn.DisposeAsync();
        var h = server.Request!.Headers;
        Assert.Equal("/chat?room=1", server.Request.Target);
        Assert.Equal($"127.0.0.1:{server.Port}", h.Get("Host"));
        Assert.Equal("13", h.Get("Sec-WebSocket-Version"));
        Assert.Equal("http://example.test", h.Get("Origin"));
        Assert.Equal("42", h.Get("X-Trace"));
        Assert.Equal("pref=dark", h.Get("Cookie"));
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("user:p@ss")), h.Get("Authorization"));
        Assert.Equal(101, response.StatusCode);
    }

    [Fact]
    public async Task Bytes_right_after_the_101_are_the_first_frame()
    {
        // A server may send its first message in the same segment as the 101.
        await using var server = new RawServer(r => RawServer.Accept(r) + "\x81\x02hi");
        var (conn, _) = await new Dialer().DialAsync(server.Uri(), cancellationToken: Bounds.Token());
        await using var _c = conn;
        var (type, data) = await conn.ReadMessageAsync(Bounds.Token());
        Assert.Equal(MessageType.Text, type);
        Assert.Equal("hi", Encoding.UTF8.GetString(data));
    }

    [Fact]
    public async Task A_custom_net_dial_opens_the_stream()
    {
        await using var server = new RawServer(r => RawServer.Accept(r));
        var dialed = new List<(string, int)>();
        var dialer = new Dialer
        {
            NetDial = async (host, port, ct) =>
            {
                dialed.Add((host, port));
                var tcp = new System.Net.Sockets.TcpClient(System.Net.Sockets.AddressFamily.InterNetwork);
                await tcp.ConnectAsync(IPAddress.Loopback, server.Port, ct);
                return tcp.GetStream();
            },
        };
        var (conn, _) = await dialer.DialAsync(new Uri("ws://ws.invalid/"), cancellationToken: Bounds.Token());
        await conn.DisposeAsync();
        Assert.Equal([("ws.invalid", 80)], dialed);
        Assert.Equal("ws.invalid", server.Request!.Headers.Get("Host"));
    }
}
