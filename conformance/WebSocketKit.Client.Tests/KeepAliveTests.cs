using System.Diagnostics;
using WebSocketKit.Protocol;
using Xunit;

namespace WebSocketKit.ClientTests;

/// <summary>
/// Keep-alive finds half-open connections: a peer that completes the handshake and then reads
/// nothing never answers the pings, so the connection fails within the timeout and is closed.
/// </summary>
public class KeepAliveTests
{
    [Fact]
    public async Task A_peer_that_stops_answering_is_found_within_the_timeout()
    {
        var timeout = TimeSpan.FromMilliseconds(400);
        // The raw server accepts the upgrade and then never reads or writes again.
        await using var server = new RawServer(r => RawServer.Accept(r));
        // Silence is counted from the connection's last received byte, which comes after the
        // clock starts: the clock runs from before the dial.
        var clock = Stopwatch.StartNew();
        var (conn, _) = await new Dialer().DialAsync(server.Uri(), cancellationToken: Bounds.Token());
        await using var keepAlive = KeepAlive.Start(conn, interval: TimeSpan.FromMilliseconds(100), timeout);
        var read = conn.ReadMessageAsync(Bounds.Token()).AsTask();

        var failure = await Assert.ThrowsAsync<ConnectionClosedException>(() => read.WaitAsync(Bounds.Step));
        var elapsed = clock.Elapsed;
        var cause = Assert.IsType<KeepAliveTimeoutException>(failure.InnerException);
        Assert.Equal(timeout, cause.Timeout);
        Assert.Same(cause, await keepAlive.Completion.WaitAsync(Bounds.Step));
        // Found at the timeout, give or take the check period and a busy machine; the keep-alive's
        // millisecond tick count is coarse (a few ms on Linux), hence the small slack below.
        Assert.InRange(elapsed, timeout - TimeSpan.FromMilliseconds(20), timeout + TimeSpan.FromSeconds(4));
        Assert.True(conn.IsClosed);
        // The socket was freed: the silent server sees the end of the stream.
        var socket = await server.Accepted;
        var buffer = new byte[4096];
        int n;
        var stream = new System.Net.Sockets.NetworkStream(socket, ownsSocket: false);
        do n = await stream.ReadAsync(buffer, Bounds.Token()); while (n > 0);
        // Later calls keep naming the keep-alive as the first failure.
        var later = await Assert.ThrowsAsync<ConnectionClosedException>(async () => await conn.WriteMessageAsync(MessageType.Text, "x"u8.ToArray()));
        Assert.IsType<KeepAliveTimeoutException>(later.InnerException?.InnerException ?? later.InnerException);
    }

    [Fact]
    public async Task The_silent_peer_received_pings_before_the_connection_was_dropped()
    {
        var captured = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new RawServer(r => RawServer.Accept(r), async stream =>
        {
            // Collect what the client sends until it drops the connection.
            var all = new MemoryStream();
            var buffer = new byte[4096];
            int n;
            try { while ((n = await stream.ReadAsync(buffer, Bounds.Token())) > 0) all.Write(buffer, 0, n); }
            catch (IOException) { }
            captured.TrySetResult(all.ToArray());
        });
        var (conn, _) = await new Dialer().DialAsync(server.Uri(), cancellationToken: Bounds.Token());
        await using var keepAlive = KeepAlive.Start(conn, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500));
        Assert.NotNull(await keepAlive.Completion.WaitAsync(Bounds.Step));
        var bytes = await captured.Task.WaitAsync(Bounds.Step);
        // Each ping is a masked control frame with an empty payload: 0x89, 0x80, 4-byte key.
        int pings = 0;
        for (int i = 0; i + 6 <= bytes.Length; i += 6)
        {
            Assert.Equal(0x89, bytes[i]);
            Assert.Equal(0x80, bytes[i + 1]);
            pings++;
        }
        Assert.True(pings >= 2, $"expected at least two pings, saw {pings}");
    }

    [Fact]
    public async Task A_peer_that_answers_pings_keeps_the_connection_open()
    {
        await using var server = new EchoServer.EchoServer(0, new Upgrader());
        server.Start();
        var (conn, _) = await new Dialer().DialAsync(new Uri($"ws://127.0.0.1:{server.Port}/"), cancellationToken: Bounds.Token());
        var pongs = 0;
        var enoughPongs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        conn.SetPongHandler(_ =>
        {
            if (Interlocked.Increment(ref pongs) == 50) enoughPongs.TrySetResult();
            return ValueTask.CompletedTask;
        });
        // Fifty pong round trips at 50 ms outlast the 2 s timeout: only the pongs keep it open.
        // (The timeout is generous because the machine running the tests may be busy.)
        await using var keepAlive = KeepAlive.Start(conn, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2));
        var read = conn.ReadMessageAsync(Bounds.Token()).AsTask();
        await Task.WhenAny(enoughPongs.Task, keepAlive.Completion, read).WaitAsync(Bounds.Step);
        object? outcome = keepAlive.Completion.IsCompletedSuccessfully ? await keepAlive.Completion : null;
        Assert.True(enoughPongs.Task.IsCompleted, $"pongs {pongs}, keepalive {keepAlive.Completion.Status} {outcome}, read {read.Status} {read.Exception}");
        Assert.False(keepAlive.Completion.IsCompleted);
        Assert.False(read.IsCompleted);
        Assert.False(conn.IsClosed);
        await keepAlive.DisposeAsync();
        Assert.Null(await keepAlive.Completion);
        await conn.CloseAsync(CloseStatus.NormalClosure, "", Bounds.Token());
        await Assert.ThrowsAsync<CloseException>(() => read.WaitAsync(Bounds.Step));
    }
}
