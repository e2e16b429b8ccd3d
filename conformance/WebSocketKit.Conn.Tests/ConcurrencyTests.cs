using System.Threading.Channels;
using Xunit;

namespace WebSocketKit.ConnTests;

/// <summary>One reader and one writer at a time; misuse is detected at once; control frames may come from anywhere.</summary>
public class ConcurrencyTests
{
    private static CancellationToken Bounded() => new CancellationTokenSource(Loopback.Bound).Token;

    [Fact]
    public async Task Many_tasks_writing_through_a_semaphore_deliver_every_message_whole()
    {
        var (server, client) = await Loopback.PairAsync();
        await using var _ = server;
        await using var __ = client;
        var ct = Bounded();
        var gate = new SemaphoreSlim(1, 1);
        const int Tasks = 16, PerTask = 50;
        var writers = Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            for (int i = 0; i < PerTask; i++)
            {
                var payload = new byte[100 + t * 37];
                payload.AsSpan().Fill((byte)t);
                BitConverter.TryWriteBytes(payload, i);
                await gate.WaitAsync(ct);
                try { await client.WriteMessageAsync(MessageType.Binary, payload, ct); }
                finally { gate.Release(); }
            }
        })).ToArray();
        var next = new int[Tasks];
        for (int n = 0; n < Tasks * PerTask; n++)
        {
            var (_, data) = await server.ReadMessageAsync(ct);
            int t = data[^1];
            Assert.Equal(100 + t * 37, data.Length);
            Assert.Equal(next[t]++, BitConverter.ToInt32(data));
        }
        await Task.WhenAll(writers);
    }

    [Fact]
    public async Task Many_producers_through_a_channel_with_one_writing_task()
    {
        var (server, client) = await Loopback.PairAsync();
        await using var _ = server;
        await using var __ = client;
        var ct = Bounded();
        var channel = Channel.CreateBounded<byte[]>(64);
        var pump = Task.Run(async () =>
        {
            await foreach (var m in channel.Reader.ReadAllAsync(ct)) await client.WriteMessageAsync(MessageType.Binary, m, ct);
        });
        var producers = Enumerable.Range(0, 8).Select(p => Task.Run(async () =>
        {
            for (int i = 0; i < 100; i++) await channel.Writer.WriteAsync([(byte)p, (byte)i], ct);
        })).ToArray();
        var counts = new int[8];
        for (int n = 0; n < 800; n++)
        {
            var (_, d) = await server.ReadMessageAsync(ct);
            Assert.Equal(counts[d[0]]++, d[1]);
        }
        await Task.WhenAll(producers);
        channel.Writer.Complete();
        await pump;
    }

    [Fact]
    public async Task A_second_writer_while_a_NextWriter_is_open_is_refused_immediately()
    {
        var (server, client) = await Loopback.PairAsync();
        await using var _ = server;
        await using var __ = client;
        var w = client.NextWriter(MessageType.Text);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => client.WriteMessageAsync(MessageType.Text, "x"u8.ToArray()).AsTask());
        Assert.Contains("one writer", e.Message);
        Assert.Throws<InvalidOperationException>(() => client.NextWriter(MessageType.Binary));
        await w.WriteAsync("first"u8.ToArray());
        await w.DisposeAsync();
        await client.WriteMessageAsync(MessageType.Text, "second"u8.ToArray());
        Assert.Equal("first"u8.ToArray(), (await server.ReadMessageAsync(Bounded())).Data);
        Assert.Equal("second"u8.ToArray(), (await server.ReadMessageAsync(Bounded())).Data);
    }

    [Fact]
    public async Task A_second_reader_while_a_read_is_pending_is_refused_immediately()
    {
        var (server, client) = await Loopback.PairAsync();
        await using var _ = server;
        await using var __ = client;
        var pending = server.ReadMessageAsync(Bounded()).AsTask();
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => server.ReadMessageAsync().AsTask());
        Assert.Contains("one reader", e.Message);
        await client.WriteMessageAsync(MessageType.Binary, new byte[] { 1 });
        Assert.Equal(new byte[] { 1 }, (await pending).Data);
    }

    [Fact]
    public async Task Control_frames_from_other_tasks_never_land_inside_a_large_data_frame()
    {
        var (server, client) = await Loopback.PairAsync();
        await using var _ = server;
        await using var __ = client;
        var ct = Bounded();
        int pongs = 0;
        var allPongs = new TaskCompletionSource();
        server.SetPongHandler(_ => { if (Interlocked.Increment(ref pongs) == 20) allPongs.TrySetResult(); return ValueTask.CompletedTask; });
        var big = new byte[4 << 20];
        new Random(1).NextBytes(big);
        var reading = server.ReadMessageAsync(ct).AsTask();
        var data = client.WriteMessageAsync(MessageType.Binary, big, ct).AsTask();
        var controls = Enumerable.Range(0, 20).Select(_ => Task.Run(() => client.WriteControlAsync(MessageType.Pong, "hb"u8.ToArray(), TimeSpan.FromSeconds(10), ct).AsTask())).ToArray();
        await Task.WhenAll(controls);
        await data;
        Assert.Equal(big, (await reading).Data);
        await client.WriteMessageAsync(MessageType.Binary, new byte[] { 9 }, ct);
        Assert.Equal(new byte[] { 9 }, (await server.ReadMessageAsync(ct)).Data); // pongs after the frame are handled here
        await allPongs.Task.WaitAsync(Loopback.Bound);
    }

    [Fact]
    public async Task A_read_deadline_fails_the_read_with_a_timeout_and_every_later_read_says_so()
    {
        var (server, client) = await Loopback.PairAsync();
        await using var _ = server;
        await using var __ = client;
        server.SetReadDeadline(DateTimeOffset.UtcNow.AddMilliseconds(200));
        await Assert.ThrowsAsync<TimeoutException>(() => server.ReadMessageAsync(Bounded()).AsTask());
        var later = await Assert.ThrowsAsync<ConnectionClosedException>(() => server.ReadMessageAsync().AsTask());
        Assert.IsType<TimeoutException>(later.InnerException);
    }

    [Fact]
    public async Task A_read_deadline_in_the_future_does_not_disturb_reads()
    {
        var (server, client) = await Loopback.PairAsync();
        await using var _ = server;
        await using var __ = client;
        server.SetReadDeadline(DateTimeOffset.UtcNow.AddSeconds(30));
        for (int i = 0; i < 50; i++)
        {
            await client.WriteMessageAsync(MessageType.Binary, new byte[] { (byte)i });
            Assert.Equal((byte)i, (await server.ReadMessageAsync()).Data[0]);
        }
        server.SetReadDeadline(null);
    }

    [Fact]
    public async Task A_write_after_our_close_frame_is_refused()
    {
        var (server, client) = await Loopback.PairAsync();
        await using var _ = server;
        await using var __ = client;
        await server.WriteControlAsync(MessageType.Close, CloseMessages.Format(1000), TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<ConnectionClosedException>(() => server.WriteMessageAsync(MessageType.Text, "x"u8.ToArray()).AsTask());
        await Assert.ThrowsAsync<ConnectionClosedException>(() => server.WriteControlAsync(MessageType.Ping, default, TimeSpan.FromSeconds(1)).AsTask());
    }

    [Fact]
    public async Task Invalid_text_is_refused_before_anything_is_sent()
    {
        var (server, client) = await Loopback.PairAsync();
        await using var _ = server;
        await using var __ = client;
        await Assert.ThrowsAsync<ArgumentException>(() => client.WriteMessageAsync(MessageType.Text, new byte[] { 0xC0, 0x80 }).AsTask());
        var w = client.NextWriter(MessageType.Text);
        await Assert.ThrowsAsync<ArgumentException>(() => w.WriteAsync(new byte[] { 0xFF }).AsTask());
        await w.WriteAsync("fine"u8.ToArray());
        await w.DisposeAsync();
        Assert.Equal("fine"u8.ToArray(), (await server.ReadMessageAsync(Bounded())).Data);
    }
}
