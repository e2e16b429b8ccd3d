using System.Text;
using WebSocketKit.Protocol;
using Xunit;

namespace WebSocketKit.ConnTests;

/// <summary>
/// Each connection runs with its own validated, read-only copy of its options, taken before the
/// 101 is written: gorilla's zero values mean what they mean there, bad values are refused before
/// the client hears anything, and later changes to the Upgrader's options leave it alone.
/// </summary>
public class OptionsSnapshotTests
{
    private const string Request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    private static CancellationToken Bounded() => new CancellationTokenSource(Loopback.Bound).Token;

    private static async Task RoundTripAsync(Conn from, Conn to, int size)
    {
        var payload = new byte[size];
        Random.Shared.NextBytes(payload);
        await from.WriteMessageAsync(MessageType.Binary, payload, Bounded());
        var (_, data) = await to.ReadMessageAsync(Bounded());
        Assert.Equal(payload, data);
    }

    [Fact]
    public async Task A_zero_ReadBufferSize_upgrades_with_the_default_buffer_as_in_gorilla()
    {
        var upgrader = new Upgrader { ReadBufferSize = 0, WriteBufferSize = 0 };
        var (server, client) = await Loopback.PairAsync(upgrader);
        await using (server)
        await using (client)
        {
            Assert.Equal(ConnectionOptions.DefaultBufferSize, server.Options.ReadBufferSize);
            Assert.Equal(ConnectionOptions.DefaultBufferSize, server.Options.WriteBufferSize);
            await RoundTripAsync(client, server, 10_000);
            await RoundTripAsync(server, client, 10_000);
        }
    }

    [Fact]
    public async Task A_zero_ReadLimit_means_no_limit_as_in_gorilla()
    {
        var (server, client) = await Loopback.PairAsync(new Upgrader { ConnectionOptions = new ConnectionOptions { ReadLimit = 0 } });
        await using (server)
        await using (client)
        {
            Assert.Equal(long.MaxValue, server.Options.ReadLimit);
            await RoundTripAsync(client, server, 100_000);
        }
    }

    [Theory]
    [InlineData(-1, 4096)]
    [InlineData(4096, -1)]
    [InlineData(64, 4096)]
    public async Task A_bad_buffer_size_is_refused_before_the_101(int readBufferSize, int writeBufferSize)
    {
        using var listener = Loopback.Listen();
        var upgrader = new Upgrader { ReadBufferSize = readBufferSize, WriteBufferSize = writeBufferSize };
        var accept = Loopback.AcceptAsync(listener, upgrader);
        await using var peer = await RawPeer.ConnectAsync(listener.Port());
        await peer.SendAsync(Request);
        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => accept.WaitAsync(Loopback.Bound));
        Assert.Contains(readBufferSize < 0 || readBufferSize == 64 ? "ReadBufferSize" : "WriteBufferSize", e.Message);
        // The test's AcceptAsync closed the stream: the client saw the end, and no 101 before it.
        Assert.DoesNotContain("101", Encoding.Latin1.GetString(await peer.ReadToEndAsync()));
    }

    [Fact]
    public async Task Changing_the_Upgraders_options_later_does_not_change_an_open_connection()
    {
        var options = new ConnectionOptions { ReadLimit = 1 << 20, CloseTimeout = TimeSpan.FromSeconds(3) };
        var (server, client) = await Loopback.PairAsync(new Upgrader { ConnectionOptions = options });
        await using (server)
        await using (client)
        {
            options.ReadLimit = 10;
            options.CloseTimeout = TimeSpan.FromSeconds(1);
            options.ReadBufferSize = 200;
            Assert.NotSame(options, server.Options);
            Assert.Equal(1 << 20, server.Options.ReadLimit);
            Assert.Equal(TimeSpan.FromSeconds(3), server.Options.CloseTimeout);
            Assert.Equal(4096, server.Options.ReadBufferSize);
            await RoundTripAsync(client, server, 1000); // over the new limit of 10, under the connection's
        }
    }

    [Fact]
    public async Task A_connections_own_options_cannot_be_changed()
    {
        var (server, client) = await Loopback.PairAsync();
        await using (server)
        await using (client)
        {
            Assert.True(server.Options.IsReadOnly);
            Assert.Throws<InvalidOperationException>(() => server.Options.ReadLimit = 10);
            Assert.Throws<InvalidOperationException>(() => client.Options.CloseTimeout = TimeSpan.Zero);
        }
    }

    [Fact]
    public void Timeouts_follow_one_rule_zero_and_infinite_are_none_other_negatives_are_refused()
    {
        foreach (var none in new[] { TimeSpan.Zero, Timeout.InfiniteTimeSpan })
        {
            var conn = new Conn(Stream.Null, Role.Server, new ConnectionOptions { CloseTimeout = none, WriteTimeout = none });
            Assert.Equal(Timeout.InfiniteTimeSpan, conn.Options.CloseTimeout);
            Assert.Equal(Timeout.InfiniteTimeSpan, conn.Options.WriteTimeout);
        }
        Assert.Equal(Timeout.InfiniteTimeSpan, new ConnectionOptions().WriteTimeout);
        var close = Assert.Throws<ArgumentOutOfRangeException>(() => new Conn(Stream.Null, Role.Server, new ConnectionOptions { CloseTimeout = TimeSpan.FromSeconds(-1) }));
        Assert.Equal(nameof(ConnectionOptions.CloseTimeout), close.ParamName);
        var write = Assert.Throws<ArgumentOutOfRangeException>(() => new ConnectionOptions { WriteTimeout = TimeSpan.FromMilliseconds(-2) }.Validate());
        Assert.Equal(nameof(ConnectionOptions.WriteTimeout), write.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConnectionOptions { ReadLimit = -1 }.Validate());
    }

    [Fact]
    public async Task A_zero_HandshakeTimeout_means_none_as_in_gorilla()
    {
        using var listener = Loopback.Listen();
        await using var peer = await RawPeer.ConnectAsync(listener.Port());
        var socket = await listener.AcceptSocketAsync().WaitAsync(Loopback.Bound);
        // The Upgrader is waiting for the request before any byte is sent. Before, CancelAfter(0)
        // had already fired, and the client got 408.
        var upgrade = new Upgrader { HandshakeTimeout = TimeSpan.Zero }.UpgradeAsync(new System.Net.Sockets.NetworkStream(socket, ownsSocket: true));
        await peer.SendAsync(Request);
        var (head, _) = await Loopback.ReadResponseAsync(peer.Stream);
        Assert.Equal(101, head.StatusCode);
        await (await upgrade.AsTask().WaitAsync(Loopback.Bound)).DisposeAsync();
    }

    [Fact]
    public async Task A_negative_HandshakeTimeout_is_refused_before_anything_is_read()
    {
        var upgrader = new Upgrader { HandshakeTimeout = TimeSpan.FromSeconds(-3) };
        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await upgrader.UpgradeAsync(new ThrowingStream()));
        Assert.Equal(nameof(Upgrader.HandshakeTimeout), e.ParamName);
    }

    [Fact]
    public async Task The_Dialer_refuses_bad_options_before_connecting()
    {
        using var listener = Loopback.Listen();
        var dialer = new Dialer { ConnectionOptions = new ConnectionOptions { ReadBufferSize = -5 }, HandshakeTimeout = TimeSpan.FromSeconds(2) };
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await dialer.DialAsync(new Uri($"ws://127.0.0.1:{listener.Port()}/")));
        Assert.False(listener.Pending());
    }

    // A stream that fails the test if anything touches it.
    private sealed class ThrowingStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => throw new InvalidOperationException("touched");
        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("touched");
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("touched");
    }
}
