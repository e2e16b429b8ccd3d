using System.Net.Sockets;
using System.Threading.Channels;
using WebSocketKit.Protocol;
using Xunit;

namespace WebSocketKit.ConnTests;

/// <summary>
/// WriteMessageDeferredAsync: the answers to pipelined messages leave in one write, and a kept answer is never left
/// behind while the connection waits for input, a control frame goes out, or the application flushes.
/// </summary>
public sealed class DeferredWriteTests
{
    private static byte[] Payload(int i, int length = 64) => Enumerable.Range(0, length).Select(k => (byte)(i + k)).ToArray();

    private static byte[] ClientFrames(int from, int count, int length = 64) =>
        Enumerable.Range(from, count).SelectMany(i => RawPeer.Frame(0x82, Payload(i, length))).ToArray();

    /// <summary>A TCP pair on 127.0.0.1: a server Conn over a write-counting stream that starts with <paramref name="arrived"/> buffered, and the client's raw stream.</summary>
    /// <param name="plain">The server Conn over the NetworkStream itself (it then also counts bytes waiting in the socket as input), writes uncounted.</param>
    private static async Task<(Conn Server, WriteCountingStream Wire, Conn Client, NetworkStream ClientStream)> PairAsync(byte[] arrived, ConnectionOptions? options = null, bool plain = false)
    {
        using var listener = Loopback.Listen();
        var clientSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await clientSocket.ConnectAsync(System.Net.IPAddress.Loopback, listener.Port()).WaitAsync(Loopback.Bound);
        var serverSocket = await listener.AcceptSocketAsync().WaitAsync(Loopback.Bound);
        var wire = new WriteCountingStream(new NetworkStream(serverSocket, ownsSocket: true));
        var clientStream = new NetworkStream(clientSocket, ownsSocket: true);
        return (new Conn(plain ? new NetworkStream(serverSocket, ownsSocket: true) : wire, Role.Server, options, bufferedInput: arrived), wire, new Conn(clientStream, Role.Client), clientStream);
    }

    private static async Task ReceiveInOrderAsync(Conn client, int from, int count, int length = 64)
    {
        for (int i = from; i < from + count; i++)
        {
            var (type, data) = await client.ReadMessageAsync().AsTask().WaitAsync(Loopback.Bound);
            Assert.Equal(MessageType.Binary, type);
            Assert.Equal(Payload(i, length), data);
        }
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 20)] // the control: what the count shows is what deferring changes
    public async Task The_answers_to_twenty_messages_that_arrived_together_leave_in_one_write(bool deferred, int writes)
    {
        var (server, wire, client, _) = await PairAsync(ClientFrames(0, 20));
        await using (server)
        await using (client)
        {
            for (int i = 0; i < 20; i++)
            {
                var (type, data) = await server.ReadMessageAsync().AsTask().WaitAsync(Loopback.Bound);
                await (deferred ? server.WriteMessageDeferredAsync(type, data) : server.WriteMessageAsync(type, data));
            }
            await ReceiveInOrderAsync(client, 0, 20);
            Assert.Equal(writes, wire.Writes);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_kept_answer_is_sent_before_the_connection_waits_for_the_rest_of_the_next_message(bool plain)
    {
        // The first message and half of the second are here: the answer to the first is kept (input is waiting),
        // and must leave when the read of the second has to wait for the network, or the peer would never send the rest.
        var second = RawPeer.Frame(0x82, Payload(1));
        var (server, wire, client, clientStream) = await PairAsync([.. RawPeer.Frame(0x82, Payload(0)), .. second[..10]], plain: plain);
        await using (server)
        await using (client)
        {
            var (type, data) = await server.ReadMessageAsync().AsTask().WaitAsync(Loopback.Bound);
            await server.WriteMessageDeferredAsync(type, data);
            Assert.Equal(0, wire.Writes);
            var reading = server.ReadMessageAsync().AsTask();
            await ReceiveInOrderAsync(client, 0, 1);
            await clientStream.WriteAsync(second.AsMemory(10));
            var (_, rest) = await reading.WaitAsync(Loopback.Bound);
            Assert.Equal(Payload(1), rest);
        }
    }

    [Fact]
    public async Task Kept_answers_go_out_before_a_ping_and_in_their_order()
    {
        var (server, _, client, _) = await PairAsync(ClientFrames(0, 3));
        await using (server)
        await using (client)
        {
            var pings = Channel.CreateUnbounded<byte[]>();
            client.SetPingHandler(p => { pings.Writer.TryWrite(p.ToArray()); return ValueTask.CompletedTask; });
            for (int i = 0; i < 2; i++)
            {
                var (type, data) = await server.ReadMessageAsync().AsTask().WaitAsync(Loopback.Bound);
                await server.WriteMessageDeferredAsync(type, data);
            }
            await server.WriteControlAsync(MessageType.Ping, "after two"u8.ToArray(), TimeSpan.FromSeconds(5));
            await ReceiveInOrderAsync(client, 0, 2);
            Assert.False(pings.Reader.TryRead(out _), "the ping overtook the kept messages");
            var (t, d) = await server.ReadMessageAsync().AsTask().WaitAsync(Loopback.Bound);
            await server.WriteMessageAsync(t, d);
            await ReceiveInOrderAsync(client, 2, 1);
            Assert.Equal("after two"u8.ToArray(), await pings.Reader.ReadAsync().AsTask().WaitAsync(Loopback.Bound));
        }
    }

    [Fact]
    public async Task FlushAsync_sends_kept_answers_without_another_read()
    {
        var (server, wire, client, _) = await PairAsync(ClientFrames(0, 2));
        await using (server)
        await using (client)
        {
            var (type, data) = await server.ReadMessageAsync().AsTask().WaitAsync(Loopback.Bound);
            await server.WriteMessageDeferredAsync(type, data);
            Assert.Equal(0, wire.Writes);
            await server.FlushAsync().AsTask().WaitAsync(Loopback.Bound);
            Assert.Equal(1, wire.Writes);
            await ReceiveInOrderAsync(client, 0, 1);
        }
    }

    [Fact]
    public async Task A_WriteMessageAsync_after_kept_answers_leaves_in_the_same_write()
    {
        var (server, wire, client, _) = await PairAsync(ClientFrames(0, 3));
        await using (server)
        await using (client)
        {
            for (int i = 0; i < 2; i++)
            {
                var (type, data) = await server.ReadMessageAsync().AsTask().WaitAsync(Loopback.Bound);
                await server.WriteMessageDeferredAsync(type, data);
            }
            await server.WriteMessageAsync(MessageType.Binary, Payload(2));
            Assert.Equal(1, wire.Writes);
            await ReceiveInOrderAsync(client, 0, 3);
        }
    }

    [Fact]
    public async Task A_message_too_large_for_the_write_buffer_is_not_kept()
    {
        int large = ConnectionOptions.DefaultBufferSize;
        var (server, wire, client, _) = await PairAsync([.. RawPeer.Frame(0x82, Payload(0, large)), .. RawPeer.Frame(0x82, Payload(1, large))]);
        await using (server)
        await using (client)
        {
            var (type, data) = await server.ReadMessageAsync().AsTask().WaitAsync(Loopback.Bound);
            await server.WriteMessageDeferredAsync(type, data);
            Assert.NotEqual(0, wire.Writes);
            await ReceiveInOrderAsync(client, 0, 1, large);
        }
    }

    [Fact]
    public async Task When_sending_kept_answers_fails_the_write_side_fails_and_the_read_says_why()
    {
        var second = RawPeer.Frame(0x82, Payload(1));
        var (server, wire, client, _) = await PairAsync([.. RawPeer.Frame(0x82, Payload(0)), .. second[..10]]);
        await using (server)
        await using (client)
        {
            var (type, data) = await server.ReadMessageAsync().AsTask().WaitAsync(Loopback.Bound);
            await server.WriteMessageDeferredAsync(type, data);
            wire.FailWrites = true;
            var e = await Assert.ThrowsAsync<ConnectionClosedException>(() => server.ReadMessageAsync().AsTask().WaitAsync(Loopback.Bound));
            Assert.IsType<IOException>(e.InnerException);
            Assert.True(server.IsClosed);
            var later = await Assert.ThrowsAsync<ConnectionClosedException>(() => server.WriteMessageDeferredAsync(MessageType.Binary, Payload(2)).AsTask());
            Assert.IsType<IOException>(later.InnerException);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_reader_and_a_separate_deferring_writer_lose_no_answer(bool plain)
    {
        // Reader and writer in two tasks, as a chat server has them: the writer defers while the reader races to
        // wait for the network. Every one of 3,000 pipelined messages must come back, none stuck in the buffer.
        const int count = 3000;
        var (server, _, client, clientStream) = await PairAsync([], plain: plain);
        await using (server)
        await using (client)
        {
            var queue = Channel.CreateBounded<(MessageType, byte[])>(64);
            var reading = Task.Run(async () =>
            {
                for (int i = 0; i < count; i++) await queue.Writer.WriteAsync(await server.ReadMessageAsync());
            });
            var writing = Task.Run(async () =>
            {
                for (int i = 0; i < count; i++)
                {
                    var (type, data) = await queue.Reader.ReadAsync();
                    await server.WriteMessageDeferredAsync(type, data);
                }
            });
            var sending = Task.Run(async () =>
            {
                for (int i = 0; i < count; i += 50) await clientStream.WriteAsync(ClientFrames(i, Math.Min(50, count - i)));
            });
            await ReceiveInOrderAsync(client, 0, count);
            await Task.WhenAll(reading, writing, sending).WaitAsync(Loopback.Bound);
        }
    }

    /// <summary>The real stream underneath, with its writes counted, and made to fail on demand.</summary>
    private sealed class WriteCountingStream(Stream inner) : Stream
    {
        private int _writes;
        public int Writes => Volatile.Read(ref _writes);
        public volatile bool FailWrites;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (FailWrites) return ValueTask.FromException(new IOException("the test broke the wire"));
            Interlocked.Increment(ref _writes);
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
