using Xunit;
using System.Buffers;
using WebSocketKit.Protocol;

namespace WebSocketKit.ConnTests;

/// <summary>
/// What a stranger's bytes may make a server hold. Memory follows the bytes that actually arrive,
/// never the length a header declares, and a message refused at the read limit costs at most the limit.
/// </summary>
public class MemoryBoundTests
{
    private const int Peers = 100;

    [Fact]
    public async Task A_header_declaring_32_MiB_reserves_no_more_than_the_bytes_that_arrived()
    {
        // Each peer sends a 14-byte header declaring 32 MiB, then 100 bytes, and stops.
        using var listener = Loopback.Listen();
        var writers = new List<ArrayPoolBufferWriter>();
        var peers = new List<RawPeer>();
        var reads = new List<Task>();
        var header = RawPeer.Frame(0x82, new byte[100], declaredLength: 32L << 20);
        try
        {
            for (int i = 0; i < Peers; i++)
            {
                var accept = Loopback.AcceptAsync(listener);
                var peer = await RawPeer.UpgradedAsync(listener.Port());
                peers.Add(peer);
                var server = await accept;
                var writer = new ProgressWriter(100);
                reads.Add(server.ReadMessageAsync(writer).AsTask());
                await peer.SendAsync(header);
                await writer.Arrived.WaitAsync(Loopback.Bound);
                writers.Add(writer.Inner);
                server.Abort();
            }
            long held = writers.Sum(w => (long)w.Capacity);
            // Before: every reader asked for 1 MiB at the header (100 MiB for 100 peers).
            Assert.True(held <= Peers * 8192L, $"{Peers} peers that sent 114 bytes each made the server hold {held:N0} bytes");
        }
        finally
        {
            foreach (var peer in peers) await peer.DisposeAsync();
            await Task.WhenAll(reads.Select(r => r.ContinueWith(_ => { })));
            foreach (var w in writers) w.Dispose();
        }
    }

    [Theory]
    [InlineData(1 << 20)]
    [InlineData(1_500_000)]
    public async Task A_compression_bomb_refused_at_the_limit_costs_at_most_the_limit(int limit)
    {
        var (client, server) = await CompressedPairAsync(limit);
        await using (client)
        await using (server)
        {
            using var writer = new ArrayPoolBufferWriter();
            var read = server.ReadMessageAsync(writer).AsTask();
            await client.WriteMessageAsync(MessageType.Binary, new byte[8 << 20]); // inflates 8 MiB from a few KiB
            var e = await Assert.ThrowsAsync<WebSocketProtocolException>(() => read.WaitAsync(Loopback.Bound));
            Assert.Equal(CloseStatus.MessageTooBig, e.CloseCode);
            Assert.True(writer.Capacity <= limit, $"refusing a bomb at a {limit:N0}-byte limit held {writer.Capacity:N0} bytes");
        }
    }

    [Fact]
    public async Task A_compressed_message_of_exactly_the_limit_is_read_into_no_more_than_the_limit()
    {
        const int limit = 1 << 20;
        var (client, server) = await CompressedPairAsync(limit);
        await using (client)
        await using (server)
        {
            using var writer = new ArrayPoolBufferWriter();
            var payload = new byte[limit];
            new Random(7).NextBytes(payload.AsSpan(0, 1000));
            var read = server.ReadMessageAsync(writer).AsTask();
            await client.WriteMessageAsync(MessageType.Binary, payload);
            Assert.Equal(MessageType.Binary, await read.WaitAsync(Loopback.Bound));
            Assert.True(writer.WrittenSpan.SequenceEqual(payload));
            // Before: the full buffer was doubled to ask for room that the message could not use.
            Assert.True(writer.Capacity <= limit, $"a {limit:N0}-byte message held {writer.Capacity:N0} bytes");
        }
    }

    [Fact]
    public async Task A_lowered_read_limit_applies_to_the_very_next_message()
    {
        using var listener = Loopback.Listen();
        var accept = Loopback.AcceptAsync(listener);
        await using var client = await Loopback.DialAsync(listener.Port());
        await using var server = await accept;
        await client.WriteMessageAsync(MessageType.Binary, new byte[10]);
        var (_, first) = await server.ReadMessageAsync().AsTask().WaitAsync(Loopback.Bound);
        Assert.Equal(10, first.Length);
        server.SetReadLimit(50);
        await client.WriteMessageAsync(MessageType.Binary, new byte[100]);
        // Before: the limit reached the frame decoder only after the next header had been checked.
        var e = await Assert.ThrowsAsync<WebSocketProtocolException>(() => server.ReadMessageAsync().AsTask().WaitAsync(Loopback.Bound));
        Assert.Equal(CloseStatus.MessageTooBig, e.CloseCode);
    }

    [Fact]
    public async Task SetReadLimit_zero_means_no_limit_as_in_gorilla()
    {
        using var listener = Loopback.Listen();
        var accept = Loopback.AcceptAsync(listener);
        await using var client = await Loopback.DialAsync(listener.Port());
        await using var server = await accept;
        server.SetReadLimit(0);
        await client.WriteMessageAsync(MessageType.Binary, new byte[100_000]);
        var (_, data) = await server.ReadMessageAsync().AsTask().WaitAsync(Loopback.Bound);
        Assert.Equal(100_000, data.Length);
    }

    [Fact]
    public async Task A_message_as_long_as_the_one_before_it_is_given_room_for_all_of_it_at_once()
    {
        // The peer has shown it sends 100,000-byte messages: the next one's rest is asked for whole, so it is read
        // straight into one buffer, instead of one grown from 256 bytes by doubling (a copy and a read at each step).
        var (peer, server) = await RawPairAsync();
        await using (peer)
        await using (server)
        {
            var payload = new byte[100_000];
            new Random(3).NextBytes(payload);
            await peer.SendAsync(RawPeer.Frame(0x82, payload));
            using (var first = new ArrayPoolBufferWriter())
                Assert.Equal(MessageType.Binary, await server.ReadMessageAsync(first).AsTask().WaitAsync(Loopback.Bound));
            var second = new ProgressWriter(payload.Length);
            await peer.SendAsync(RawPeer.Frame(0x82, payload));
            Assert.Equal(MessageType.Binary, await server.ReadMessageAsync(second).AsTask().WaitAsync(Loopback.Bound));
            Assert.True(second.Inner.WrittenSpan.SequenceEqual(payload));
            // Before: 256, then the bytes buffered (about a read buffer's worth), then doubling.
            Assert.True(second.Hints[0] >= payload.Length - 8192, $"the second message's first room asked: {second.Hints[0]:N0} bytes");
            second.Inner.Dispose();
        }
    }

    [Fact]
    public async Task What_a_peer_has_sent_before_bounds_what_a_header_reserves_ahead_of_its_bytes()
    {
        // After one 100,000-byte message, a header declaring 32 MiB and 100 bytes behind it: room for at most the
        // last message's length, not the declared 32 MiB.
        var (peer, server) = await RawPairAsync();
        await using (peer)
        await using (server)
        {
            await peer.SendAsync(RawPeer.Frame(0x82, new byte[100_000]));
            using (var first = new ArrayPoolBufferWriter())
                await server.ReadMessageAsync(first).AsTask().WaitAsync(Loopback.Bound);
            var writer = new ProgressWriter(100);
            var read = server.ReadMessageAsync(writer).AsTask();
            await peer.SendAsync(RawPeer.Frame(0x82, new byte[100], declaredLength: 32L << 20));
            await writer.Arrived.WaitAsync(Loopback.Bound);
            Assert.True(writer.Hints.Max() <= 100_000, $"asked for {writer.Hints.Max():N0} bytes");
            server.Abort();
            await Assert.ThrowsAnyAsync<Exception>(() => read.WaitAsync(Loopback.Bound));
            writer.Inner.Dispose();
        }
    }

    [Fact]
    public async Task A_compressed_message_does_not_count_as_bytes_the_peer_has_sent()
    {
        // A few KiB that inflate to 1 MiB must not let the next message reserve 1 MiB ahead of its bytes.
        var (client, server) = await CompressedPairAsync(8 << 20);
        await using (client)
        await using (server)
        {
            await client.WriteMessageAsync(MessageType.Binary, new byte[1 << 20]);
            using (var first = new ArrayPoolBufferWriter())
                await server.ReadMessageAsync(first).AsTask().WaitAsync(Loopback.Bound);
            client.EnableWriteCompression(false);
            var payload = new byte[1 << 20];
            var writer = new ProgressWriter(payload.Length);
            var read = server.ReadMessageAsync(writer).AsTask();
            await client.WriteMessageAsync(MessageType.Binary, payload);
            await read.WaitAsync(Loopback.Bound);
            Assert.Equal(payload.Length, writer.Inner.WrittenCount);
            Assert.True(writer.Hints[0] <= 64 * 1024, $"the first room asked after a compressed message: {writer.Hints[0]:N0} bytes");
            writer.Inner.Dispose();
        }
    }

    private static async Task<(RawPeer Peer, Conn Server)> RawPairAsync()
    {
        using var listener = Loopback.Listen();
        var accept = Loopback.AcceptAsync(listener);
        var peer = await RawPeer.UpgradedAsync(listener.Port());
        return (peer, await accept);
    }

    private static async Task<(Conn Client, Conn Server)> CompressedPairAsync(long readLimit)
    {
        using var listener = Loopback.Listen();
        var upgrader = new Upgrader { EnableCompression = true, ConnectionOptions = new ConnectionOptions { ReadLimit = readLimit } };
        var accept = Loopback.AcceptAsync(listener, upgrader);
        var dialer = new Dialer { EnableCompression = true };
        var (client, _) = await dialer.DialAsync(new Uri($"ws://127.0.0.1:{listener.Port()}/"));
        var server = await accept;
        Assert.NotNull(server.Compression);
        return (client, server);
    }

    // Passes everything to an ArrayPoolBufferWriter and says when a number of bytes has arrived.
    private sealed class ProgressWriter(int expected) : IBufferWriter<byte>
    {
        private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public ArrayPoolBufferWriter Inner { get; } = new();
        public Task Arrived => _arrived.Task;
        // The room asked for at each call, in order.
        public List<int> Hints { get; } = [];

        public void Advance(int count)
        {
            Inner.Advance(count);
            if (Inner.WrittenCount >= expected) _arrived.TrySetResult();
        }

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Hints.Add(sizeHint);
            return Inner.GetMemory(sizeHint);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            Hints.Add(sizeHint);
            return Inner.GetSpan(sizeHint);
        }
    }
}

public class WholeMessageBufferTests
{
    [Theory]
    [InlineData(64 * 1024)]
    [InlineData(1 << 20)]
    public async Task A_message_that_exactly_fills_the_buffer_is_read_without_growing_it_again(int size)
    {
        var (server, client) = await Loopback.PairAsync();
        await using (server)
        await using (client)
        {
            var payload = new byte[size];
            new Random(size).NextBytes(payload);
            for (int i = 0; i < 3; i++)
            {
                using var writer = new ArrayPoolBufferWriter();
                var read = server.ReadMessageAsync(writer).AsTask();
                await client.WriteMessageAsync(MessageType.Binary, payload);
                Assert.Equal(MessageType.Binary, await read.WaitAsync(Loopback.Bound));
                Assert.True(writer.WrittenSpan.SequenceEqual(payload));
                // A power-of-two message fills a pooled buffer exactly; asking for room after its last byte doubled it (and copied it) for nothing.
                Assert.True(writer.Capacity == size, $"a {size:N0}-byte message held {writer.Capacity:N0} bytes");
            }
        }
    }

    [Fact]
    public async Task A_first_fragment_that_fills_the_buffer_and_a_ping_after_it_do_not_end_the_message()
    {
        // After the first fragment (not final) and the Ping (final, but a control frame) no payload is owed at that
        // moment; only the final data frame's last byte ends the message.
        using var listener = Loopback.Listen();
        var accept = Loopback.AcceptAsync(listener);
        await using var peer = await RawPeer.UpgradedAsync(listener.Port());
        await using var server = await accept;
        var first = new byte[32 * 1024];
        var last = new byte[32 * 1024];
        new Random(1).NextBytes(first);
        new Random(2).NextBytes(last);
        using var writer = new ArrayPoolBufferWriter();
        var read = server.ReadMessageAsync(writer).AsTask();
        await peer.SendAsync(RawPeer.Frame(0x02, first));
        await peer.SendAsync(RawPeer.Frame(0x89, "p"u8));
        await peer.SendAsync(RawPeer.Frame(0x80, last));
        Assert.Equal(MessageType.Binary, await read.WaitAsync(Loopback.Bound));
        Assert.True(writer.WrittenSpan.SequenceEqual([.. first, .. last]));
    }
}
