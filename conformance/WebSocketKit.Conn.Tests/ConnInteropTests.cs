using System.Security.Cryptography;
using System.Text;
using WebSocketKit.Protocol;
using Xunit;

namespace WebSocketKit.ConnTests;

/// <summary>Our server Conn against our client Conn over real TCP on 127.0.0.1.</summary>
public class ConnInteropTests
{
    private static CancellationToken Bounded() => new CancellationTokenSource(Loopback.Bound).Token;

    [Theory]
    [InlineData(0), InlineData(1), InlineData(125), InlineData(126), InlineData(4096), InlineData(65535), InlineData(65536), InlineData(1 << 20), InlineData(16 << 20)]
    public async Task Messages_of_every_length_class_arrive_unchanged_both_ways(int size)
    {
        var (server, client) = await Loopback.PairAsync();
        await using var _ = server;
        await using var __ = client;
        var data = RandomNumberGenerator.GetBytes(size);
        var ct = Bounded();
        var send = client.WriteMessageAsync(MessageType.Binary, data, ct);
        var (type, got) = await server.ReadMessageAsync(ct);
        await send;
        Assert.Equal(MessageType.Binary, type);
        Assert.Equal(data, got);
        send = server.WriteMessageAsync(MessageType.Binary, data, ct);
        (type, got) = await client.ReadMessageAsync(ct);
        await send;
        Assert.Equal(data, got);
    }

    [Fact]
    public async Task NextWriter_sends_a_fragmented_message_that_NextReader_streams_back_whole()
    {
        var (server, client) = await Loopback.PairAsync();
        await using var _ = server;
        await using var __ = client;
        var ct = Bounded();
        var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("héllo wörld ✓ ", 3000)));
        var writing = Task.Run(async () =>
        {
            await using var w = client.NextWriter(MessageType.Text);
            for (int i = 0; i < text.Length; i += 1000)
                await w.WriteAsync(text.AsMemory(i, Math.Min(1000, text.Length - i)), ct);
        });
        var (type, reader) = await server.NextReaderAsync(ct);
        Assert.Equal(MessageType.Text, type);
        var ms = new MemoryStream();
        await reader.CopyToAsync(ms, ct);
        await writing;
        Assert.Equal(text, ms.ToArray());
    }

    [Fact]
    public async Task A_ping_is_answered_by_the_default_handler_with_a_pong_of_the_same_payload()
    {
        var (server, client) = await Loopback.PairAsync();
        await using var _ = server;
        await using var __ = client;
        var ct = Bounded();
        var pong = new TaskCompletionSource<byte[]>();
        client.SetPongHandler(p => { pong.TrySetResult(p.ToArray()); return ValueTask.CompletedTask; });
        var serverReads = server.ReadMessageAsync(ct).AsTask();     // answers pings while it waits
        var clientReads = client.ReadMessageAsync(ct).AsTask();     // sees the pong while it waits
        await client.WriteControlAsync(MessageType.Ping, "are you there"u8.ToArray(), TimeSpan.FromSeconds(5), ct);
        Assert.Equal("are you there"u8.ToArray(), await pong.Task.WaitAsync(Loopback.Bound));
        await server.WriteMessageAsync(MessageType.Text, "done"u8.ToArray(), ct);
        Assert.Equal("done"u8.ToArray(), (await clientReads).Data);
        server.Abort();
        await Assert.ThrowsAnyAsync<Exception>(() => serverReads);
    }

    [Fact]
    public async Task Control_frames_between_fragments_are_handled_while_the_message_is_read()
    {
        var (server, client) = await Loopback.PairAsync(clientOptions: new ConnectionOptions { WriteBufferSize = 128 });
        await using var _ = server;
        await using var __ = client;
        var ct = Bounded();
        var pings = 0;
        server.SetPingHandler(_ => { pings++; return ValueTask.CompletedTask; });
        var data = RandomNumberGenerator.GetBytes(1000); // ~9 fragments with a 128-byte buffer
        var reading = server.ReadMessageAsync(ct).AsTask();
        var w = client.NextWriter(MessageType.Binary);
        for (int i = 0; i < data.Length; i += 100)
        {
            await w.WriteAsync(data.AsMemory(i, 100), ct);
            await client.WriteControlAsync(MessageType.Ping, default, TimeSpan.FromSeconds(5), ct);
        }
        await w.DisposeAsync();
        var (_, got) = await reading;
        Assert.Equal(data, got);
        Assert.True(pings >= 5, $"pings seen: {pings}");
    }

    public static TheoryData<int> SendableCodes()
    {
        var d = new TheoryData<int>();
        foreach (var c in new[] { 1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999 }) d.Add(c);
        return d;
    }

    [Theory, MemberData(nameof(SendableCodes))]
    public async Task Every_sendable_close_code_reaches_the_peer_and_is_echoed(int code)
    {
        var (server, client) = await Loopback.PairAsync();
        await using var _ = server;
        await using var __ = client;
        var ct = Bounded();
        var serverReads = server.ReadMessageAsync(ct).AsTask();
        var closing = client.CloseAsync(code, "reason ✓", ct).AsTask();
        var e = await Assert.ThrowsAsync<CloseException>(() => serverReads);
        Assert.Equal(code, e.Code);
        Assert.Equal("reason ✓", e.Text);
        Assert.True(CloseMessages.IsCloseError(e, code));
        server.Abort(); // the server closes TCP once the handshake is done
        await closing.WaitAsync(Loopback.Bound);
        var later = await Assert.ThrowsAsync<ConnectionClosedException>(() => server.ReadMessageAsync(ct).AsTask());
        Assert.True(CloseMessages.IsCloseError(later, code));
    }

    [Fact]
    public async Task Reserved_close_codes_cannot_be_sent()
    {
        foreach (var code in new[] { 999, 1004, 1006, 1015, 1016, 2999, 5000 })
            Assert.Throws<ArgumentOutOfRangeException>(() => CloseMessages.Format(code));
        Assert.Empty(CloseMessages.Format(CloseStatus.NoStatusReceived));
    }

    [Fact]
    public async Task An_abrupt_TCP_close_gives_the_reader_an_unexpected_close_error_and_nothing_hangs()
    {
        var (server, client) = await Loopback.PairAsync();
        await using var _ = server;
        var reading = server.ReadMessageAsync(Bounded()).AsTask();
        client.Abort();
        var e = await Assert.ThrowsAsync<CloseException>(() => reading.WaitAsync(Loopback.Bound));
        Assert.Equal(CloseStatus.AbnormalClosure, e.Code);
        Assert.True(CloseMessages.IsUnexpectedCloseError(e, 1000, 1001));
        await Assert.ThrowsAsync<ConnectionClosedException>(() => server.ReadMessageAsync().AsTask());
    }

    [Fact]
    public async Task CloseAsync_on_both_sides_completes_the_handshake_and_releases_the_connection()
    {
        var (server, client) = await Loopback.PairAsync();
        var ct = Bounded();
        var serverSide = Task.Run(async () =>
        {
            var e = await Assert.ThrowsAsync<CloseException>(() => server.ReadMessageAsync(ct).AsTask());
            Assert.Equal(1001, e.Code);
            await server.CloseAsync(cancellationToken: ct);
        });
        await client.CloseAsync(1001, "going", ct);
        await serverSide.WaitAsync(Loopback.Bound);
        await Assert.ThrowsAsync<ConnectionClosedException>(() => client.WriteMessageAsync(MessageType.Text, "x"u8.ToArray(), ct).AsTask());
    }

    [Fact]
    public async Task Subprotocol_and_endpoints_are_exposed()
    {
        using var listener = Loopback.Listen();
        var accept = Loopback.AcceptAsync(listener, new Upgrader { Subprotocols = ["b", "a"] });
        await using var client = await Loopback.DialAsync(listener.Port(), ["a", "b"]);
        await using var server = await accept;
        Assert.Equal("b", server.Subprotocol);
        Assert.Equal("b", client.Subprotocol);
        Assert.True(server.IsServer);
        Assert.False(client.IsServer);
        Assert.Equal(client.LocalEndPoint, server.RemoteEndPoint);
        Assert.Equal(client.RemoteEndPoint, server.LocalEndPoint);
    }
}
