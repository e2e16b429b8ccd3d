using WebSocketKit.Protocol;
using Xunit;

namespace WebSocketKit.ClientTests;

/// <summary>
/// Graceful shutdown of a server (the echo server, with its ConnectionRegistry): every open
/// connection gets Close 1001, answers, and is freed; nothing stays open.
/// </summary>
public class ShutdownTests
{
    [Fact]
    public async Task Shutdown_closes_a_hundred_open_connections_with_1001_and_frees_them_all()
    {
        const int count = 100;
        await using var server = new EchoServer.EchoServer(0, new Upgrader());
        server.Start();
        var uri = new Uri($"ws://127.0.0.1:{server.Port}/");
        var dialer = new Dialer();
        var conns = await Task.WhenAll(Enumerable.Range(0, count).Select(async _ => (await dialer.DialAsync(uri, cancellationToken: Bounds.Token())).Conn));
        // Each client proves its connection is live with one echo (so the server has registered it), then waits on a read.
        await Task.WhenAll(conns.Select(async c =>
        {
            await c.WriteMessageAsync(MessageType.Text, "hi"u8.ToArray(), Bounds.Token());
            await c.ReadMessageAsync(Bounds.Token());
        }));
        Assert.Equal(count, server.Registry.Count);
        var reads = conns.Select(c => Assert.ThrowsAsync<CloseException>(async () => await c.ReadMessageAsync(Bounds.Token()))).ToArray();

        var result = await server.ShutdownAsync(TimeSpan.FromSeconds(10));

        Assert.True(result == new ShutdownResult(count, count, 0), result.ToString());
        Assert.Equal(0, server.Registry.Count);
        var closes = await Task.WhenAll(reads).WaitAsync(Bounds.Step);
        Assert.All(closes, e => Assert.Equal(CloseStatus.GoingAway, e.Code));
        Assert.All(conns, c => Assert.True(c.PeerSentClose));
        await Task.WhenAll(conns.Select(c => c.DisposeAsync().AsTask()));
    }

    [Fact]
    public async Task After_shutdown_the_server_accepts_no_connection()
    {
        await using var server = new EchoServer.EchoServer(0, new Upgrader());
        server.Start();
        var result = await server.ShutdownAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(new ShutdownResult(0, 0, 0), result);
        await Assert.ThrowsAsync<System.Net.Sockets.SocketException>(async () =>
            await new Dialer().DialAsync(new Uri($"ws://127.0.0.1:{server.Port}/"), cancellationToken: Bounds.Token()));
    }

    [Fact]
    public async Task A_peer_that_never_answers_the_close_is_dropped_at_the_deadline()
    {
        var registry = new ConnectionRegistry();
        await using var server = new RawServer(r => RawServer.Accept(r));
        var (conn, _) = await new Dialer().DialAsync(server.Uri(), cancellationToken: Bounds.Token());
        Assert.True(registry.TryAdd(conn));
        var started = DateTime.UtcNow;
        var result = await registry.ShutdownAsync(TimeSpan.FromMilliseconds(300));
        Assert.Equal(new ShutdownResult(1, 0, 1), result);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        Assert.True(conn.IsClosed);
        Assert.False(registry.TryAdd(conn));
        registry.Remove(conn);
        await registry.Drained.WaitAsync(Bounds.Step);
    }
}
