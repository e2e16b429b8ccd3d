using System.Diagnostics;
using Xunit;

namespace WebSocketKit.ConnTests;

/// <summary>The closing handshake in its less friendly shapes, and write deadlines.</summary>
public class ClosingTests
{
    private static CancellationToken Bounded() => new CancellationTokenSource(Loopback.Bound).Token;

    [Fact]
    public async Task CloseAsync_while_another_task_reads_lets_that_reader_see_the_peer_close()
    {
        var (server, client) = await Loopback.PairAsync();
        await using var _ = server;
        var ct = Bounded();
        var serverLoop = Task.Run(async () =>
        {
            try { while (true) await server.ReadMessageAsync(ct); }
            catch (CloseException) { server.Abort(); }
        });
        var clientReader = client.ReadMessageAsync(ct).AsTask(); // the reader is busy when CloseAsync runs
        await client.CloseAsync(1000, "done", ct);
        var e = await Assert.ThrowsAsync<CloseException>(() => clientReader.WaitAsync(Loopback.Bound));
        Assert.Equal(1000, e.Code); // the server's echo of our close
        await serverLoop.WaitAsync(Loopback.Bound);
    }

    [Fact]
    public async Task CloseAsync_gives_up_on_a_silent_peer_after_the_close_timeout()
    {
        using var listener = Loopback.Listen();
        var accept = Loopback.AcceptAsync(listener, new Upgrader { ConnectionOptions = new ConnectionOptions { CloseTimeout = TimeSpan.FromMilliseconds(300) } });
        await using var peer = await RawPeer.UpgradedAsync(listener.Port());
        await using var server = await accept;
        var clock = Stopwatch.StartNew();
        await server.CloseAsync(cancellationToken: Bounded()); // the raw peer never answers
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
        Assert.Equal(1000, await peer.ReadCloseCodeAsync()); // our close went out, then TCP closed
    }

    [Fact]
    public async Task A_write_deadline_fails_a_write_the_peer_never_drains_and_later_writes_say_so()
    {
        var (server, client) = await Loopback.PairAsync();
        await using var _ = server;
        await using var __ = client;
        server.SetWriteDeadline(DateTimeOffset.UtcNow.AddMilliseconds(300));
        var big = new byte[64 << 20]; // far more than the socket buffers hold; the client never reads
        await Assert.ThrowsAsync<TimeoutException>(() => server.WriteMessageAsync(MessageType.Binary, big, Bounded()).AsTask());
        var later = await Assert.ThrowsAsync<ConnectionClosedException>(() => server.WriteMessageAsync(MessageType.Binary, new byte[1]).AsTask());
        Assert.IsType<TimeoutException>(later.InnerException);
    }

    [Theory]
    [InlineData(false), InlineData(true)]
    public async Task Connections_with_unpooled_write_buffers_or_released_read_buffers_work_the_same(bool releaseReadBuffer)
    {
        var options = new ConnectionOptions { WriteBufferPool = null, WriteBufferSize = 256, ReadBufferSize = 256, ReleaseReadBufferWhenIdle = releaseReadBuffer };
        var (server, client) = await Loopback.PairAsync(new Upgrader { ConnectionOptions = options }, options);
        await using var _ = server;
        await using var __ = client;
        var ct = Bounded();
        for (int size = 0; size < 70_000; size = size * 3 + 199)
        {
            var data = new byte[size];
            new Random(size).NextBytes(data);
            await client.WriteMessageAsync(MessageType.Binary, data, ct);
            Assert.Equal(data, (await server.ReadMessageAsync(ct)).Data);
            await using (var w = server.NextWriter(MessageType.Binary)) await w.WriteAsync(data, ct);
            Assert.Equal(data, (await client.ReadMessageAsync(ct)).Data);
        }
    }
}
