using System.Text;
using WebSocketKit.Protocol.Handshake;
using Xunit;

namespace WebSocketKit.ConnTests;

/// <summary>The Upgrader on real sockets: refusals carry the right status and close; slow clients time out.</summary>
public class UpgraderTests
{
    private static async Task<(HttpResponseHead Head, Exception? ServerError)> SendRawRequestAsync(string request, Upgrader upgrader)
    {
        using var listener = Loopback.Listen();
        var accept = Loopback.AcceptAsync(listener, upgrader);
        await using var peer = await RawPeer.ConnectAsync(listener.Port());
        await peer.SendAsync(request);
        var (head, _) = await Loopback.ReadResponseAsync(peer.Stream);
        Exception? error = null;
        try { await (await accept).DisposeAsync(); }
        catch (HandshakeException e) { error = e; }
        return (head, error);
    }

    private const string Good = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

    [Fact]
    public async Task A_valid_request_gets_101_with_the_accept_value_and_caller_headers()
    {
        var (head, error) = await SendRawRequestAsync(Good + "\r\n", new Upgrader());
        Assert.Null(error);
        Assert.Equal(101, head.StatusCode);
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", head.Headers.Get("Sec-WebSocket-Accept"));
    }

    [Theory]
    [InlineData("POST /ws HTTP/1.1\r\nHost: a\r\n\r\n", 405)]
    [InlineData("GET /ws HTTP/1.1\r\nHost: a\r\n\r\n", 426)]
    [InlineData("GET /ws HTTP/1.1\nHost: a\n\n", 400)]
    [InlineData("GET /ws HTTP/3.0\r\nHost: a\r\n\r\n", 505)]
    [InlineData("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n", 400)]
    public async Task Refusals_over_TCP_carry_their_status_and_a_typed_server_error(string request, int status)
    {
        var (head, error) = await SendRawRequestAsync(request, new Upgrader());
        Assert.Equal(status, head.StatusCode);
        Assert.Equal("close", head.Headers.Get("Connection"));
        Assert.Equal(status, Assert.IsType<HandshakeException>(error).Status);
    }

    [Fact]
    public async Task A_wrong_version_gets_426_naming_version_13()
    {
        var (head, _) = await SendRawRequestAsync(Good.Replace("Version: 13", "Version: 7") + "\r\n", new Upgrader());
        Assert.Equal(426, head.StatusCode);
        Assert.Equal("13", head.Headers.Get("Sec-WebSocket-Version"));
    }

    [Fact]
    public async Task A_foreign_origin_is_refused_with_403_by_default_and_accepted_by_a_permissive_CheckOrigin()
    {
        var request = Good + "Origin: http://evil.example\r\n\r\n";
        Assert.Equal(403, (await SendRawRequestAsync(request, new Upgrader())).Head.StatusCode);
        Assert.Equal(101, (await SendRawRequestAsync(request, new Upgrader { CheckOrigin = _ => true })).Head.StatusCode);
        Assert.Equal(101, (await SendRawRequestAsync(Good + "Origin: http://127.0.0.1\r\n\r\n", new Upgrader())).Head.StatusCode);
    }

    [Fact]
    public async Task Oversized_heads_get_414_and_431()
    {
        var limits = new HttpParseLimits(MaxStartLineBytes: 100, MaxHeaderCount: 5, MaxHeaderBytes: 1000);
        var longTarget = $"GET /{new string('a', 200)} HTTP/1.1\r\n\r\n";
        Assert.Equal(414, (await SendRawRequestAsync(longTarget, new Upgrader { Limits = limits })).Head.StatusCode);
        var many = Good + string.Concat(Enumerable.Range(0, 10).Select(i => $"X-{i}: v\r\n")) + "\r\n";
        Assert.Equal(431, (await SendRawRequestAsync(many, new Upgrader { Limits = limits })).Head.StatusCode);
        var big = Good + $"X-Big: {new string('b', 2000)}\r\n\r\n";
        Assert.Equal(431, (await SendRawRequestAsync(big, new Upgrader { Limits = limits })).Head.StatusCode);
    }

    [Fact]
    public async Task The_Error_callback_writes_the_refusal()
    {
        var seen = new TaskCompletionSource<int>();
        var upgrader = new Upgrader
        {
            Error = async (f, ct) =>
            {
                seen.TrySetResult(f.Status);
                await f.Stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {f.Status} Custom\r\nX-Custom: yes\r\nContent-Length: 0\r\n\r\n"), ct);
            },
        };
        var (head, _) = await SendRawRequestAsync("GET /ws HTTP/1.1\r\nHost: a\r\n\r\n", upgrader);
        Assert.Equal(426, await seen.Task);
        Assert.Equal("Custom", head.ReasonPhrase);
        Assert.Equal("yes", head.Headers.Get("X-Custom"));
    }

    [Fact]
    public async Task A_client_that_stalls_mid_request_gets_408_after_the_handshake_timeout()
    {
        using var listener = Loopback.Listen();
        var accept = Loopback.AcceptAsync(listener, new Upgrader { HandshakeTimeout = TimeSpan.FromMilliseconds(300) });
        await using var peer = await RawPeer.ConnectAsync(listener.Port());
        await peer.SendAsync("GET /ws HTTP/1.1\r\nHost: a\r\n");
        var e = await Assert.ThrowsAsync<HandshakeException>(() => accept.WaitAsync(Loopback.Bound));
        Assert.Equal(408, e.Status);
        var (head, _) = await Loopback.ReadResponseAsync(peer.Stream);
        Assert.Equal(408, head.StatusCode);
        Assert.Equal("close", head.Headers.Get("Connection"));
        Assert.Empty(await peer.ReadToEndAsync()); // after the 408 body, the test's AcceptAsync disposed the stream: EOF, no hang
    }

    [Theory]
    [InlineData("Content-Length: 5\r\n\r\nhello")]
    [InlineData("Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")]
    public async Task A_request_with_a_body_is_refused_not_read_as_frames(string tail)
    {
        var (head, error) = await SendRawRequestAsync(Good + tail, new Upgrader());
        Assert.Equal(400, head.StatusCode);
        Assert.Equal(400, Assert.IsType<HandshakeException>(error).Status);
    }

    [Fact]
    public async Task A_Host_that_is_not_an_authority_is_refused()
    {
        var (head, error) = await SendRawRequestAsync(Good.Replace("Host: 127.0.0.1", "Host: a b") + "\r\n", new Upgrader());
        Assert.Equal(400, head.StatusCode);
        Assert.Contains("Host", Assert.IsType<HandshakeException>(error).Reason);
    }

    [Fact]
    public async Task Frames_sent_right_behind_the_request_are_not_lost()
    {
        using var listener = Loopback.Listen();
        var accept = Loopback.AcceptAsync(listener, new Upgrader());
        await using var peer = await RawPeer.ConnectAsync(listener.Port());
        await peer.SendAsync(Encoding.ASCII.GetBytes(Good + "\r\n").Concat(RawPeer.Frame(0x81, "early"u8)).ToArray());
        await using var server = await accept;
        var (type, data) = await server.ReadMessageAsync(new CancellationTokenSource(Loopback.Bound).Token);
        Assert.Equal(MessageType.Text, type);
        Assert.Equal("early"u8.ToArray(), data);
    }
}
