using WebSocketKit.Protocol;
using Xunit;

namespace WebSocketKit.ConnTests;

/// <summary>
/// A peer that stops reading must not pin a connection (its buffers, the socket's, a task) forever:
/// a write that cannot finish in time fails and closes the connection.
/// </summary>
public class SlowReaderTests
{
    // More than loopback socket buffers hold while the peer reads nothing.
    private static readonly byte[] Large = new byte[64 << 20];

    [Fact]
    public async Task A_peer_that_stops_reading_is_closed_after_the_write_timeout()
    {
        var options = new ConnectionOptions { WriteTimeout = TimeSpan.FromMilliseconds(300) };
        var (client, server) = await PairAsync(options);
        await using (client)
        await using (server)
        {
            var e = await Assert.ThrowsAsync<TimeoutException>(() => server.WriteMessageAsync(MessageType.Binary, Large).AsTask().WaitAsync(Loopback.Bound));
            Assert.True(server.IsClosed, "the connection stayed open after its write side failed");
            var later = await Assert.ThrowsAsync<ConnectionClosedException>(() => server.WriteMessageAsync(MessageType.Text, "x"u8.ToArray()).AsTask());
            Assert.Same(e, later.InnerException);
            await Assert.ThrowsAsync<ConnectionClosedException>(() => server.ReadMessageAsync().AsTask().WaitAsync(Loopback.Bound));
        }
    }

    [Fact]
    public async Task The_write_timeout_bounds_each_frame_of_a_streamed_message()
    {
        var options = new ConnectionOptions { WriteTimeout = TimeSpan.FromMilliseconds(300) };
        var (client, server) = await PairAsync(options);
        await using (client)
        await using (server)
        {
            var writer = server.NextWriter(MessageType.Binary);
            await Assert.ThrowsAsync<TimeoutException>(async () =>
            {
                for (int i = 0; i < 64; i++) await writer.WriteAsync(new byte[1 << 20]).AsTask().WaitAsync(Loopback.Bound);
            });
            Assert.True(server.IsClosed);
        }
    }

    [Fact]
    public async Task A_pong_that_cannot_be_sent_in_time_closes_the_connection()
    {
        // No write timeout: the data write alone would wait forever. The Pong owed to the peer's
        // Ping waits behind it and times out after the close timeout; then the connection ends.
        var options = new ConnectionOptions { CloseTimeout = TimeSpan.FromMilliseconds(300) };
        var (client, server) = await PairAsync(options);
        await using (client)
        await using (server)
        {
            var stuck = server.WriteMessageAsync(MessageType.Binary, Large).AsTask();
            var reading = server.ReadMessageAsync().AsTask();
            await client.WriteControlAsync(MessageType.Ping, "are you there"u8.ToArray(), TimeSpan.FromSeconds(5));
            // Before: the Pong's timeout was swallowed and both tasks waited for good.
            await Assert.ThrowsAnyAsync<Exception>(() => stuck.WaitAsync(Loopback.Bound));
            await Assert.ThrowsAnyAsync<Exception>(() => reading.WaitAsync(Loopback.Bound));
            Assert.True(server.IsClosed);
        }
    }

    private static async Task<(Conn Client, Conn Server)> PairAsync(ConnectionOptions serverOptions)
    {
        using var listener = Loopback.Listen();
        var accept = Loopback.AcceptAsync(listener, new Upgrader { ConnectionOptions = serverOptions });
        var client = await Loopback.DialAsync(listener.Port());
        return (client, await accept);
    }
}
