namespace WebSocketKit;

/// <summary>
/// No frame arrived from the peer within the keep-alive timeout: the peer is gone or stuck (a
/// half-open TCP connection looks alive forever otherwise), so the connection was closed.
/// </summary>
public sealed class KeepAliveTimeoutException : TimeoutException
{
    /// <summary>Creates the error for a silence of <paramref name="silence"/>.</summary>
    public KeepAliveTimeoutException(TimeSpan silence, TimeSpan timeout)
        : base($"websocket: keep-alive: nothing received from the peer for {silence.TotalMilliseconds:0} ms (timeout {timeout.TotalMilliseconds:0} ms); the connection was closed")
    {
        Silence = silence;
        Timeout = timeout;
    }

    /// <summary>How long the peer had been silent.</summary>
    public TimeSpan Silence { get; }

    /// <summary>The timeout that was exceeded.</summary>
    public TimeSpan Timeout { get; }
}

/// <summary>
/// Keep-alive for one connection (gorilla leaves this to each application): a Ping every
/// <see cref="Interval"/>, and when nothing at all (Pong or any other frame) has arrived for
/// <see cref="Timeout"/>, the connection is closed and every pending and later call fails with a
/// <see cref="ConnectionClosedException"/> whose inner exception is a
/// <see cref="KeepAliveTimeoutException"/>. Pongs are read by the connection's reader, so the
/// application must keep a read pending, as it must anyway to see the peer's Close.
/// Start it with <see cref="Start"/>; it stops by itself when the connection closes.
/// </summary>
public sealed class KeepAlive : IAsyncDisposable
{
    private readonly Conn _conn;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<KeepAliveTimeoutException?> _loop;

    private KeepAlive(Conn conn, TimeSpan interval, TimeSpan timeout)
    {
        _conn = conn;
        Interval = interval;
        Timeout = timeout;
        _loop = RunAsync();
    }

    /// <summary>How often a Ping is sent.</summary>
    public TimeSpan Interval { get; }

    /// <summary>How long the peer may stay silent.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>
    /// Completes when the keep-alive stops: with the timeout error when it closed the connection,
    /// with null when the connection closed otherwise or the keep-alive was disposed.
    /// </summary>
    public Task<KeepAliveTimeoutException?> Completion => _loop;

    /// <summary>
    /// Starts pinging <paramref name="conn"/> every <paramref name="interval"/>, failing it after
    /// <paramref name="timeout"/> of silence; the timeout must exceed the interval (gorilla's
    /// examples use pongWait = 10/9 of the ping period; leave room for a slow round trip).
    /// </summary>
    public static KeepAlive Start(Conn conn, TimeSpan interval, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(conn);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        // The peer needs at least one ping to answer before the silence counts against it.
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, interval);
        return new KeepAlive(conn, interval, timeout);
    }

    private async Task<KeepAliveTimeoutException?> RunAsync()
    {
        await Task.Yield();
        // Checking twice per period bounds the detection delay to half the shorter of the two.
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(5).Ticks, Math.Min(Interval.Ticks, Timeout.Ticks) / 2));
        using var timer = new PeriodicTimer(period);
        long lastPing = Environment.TickCount64;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                if (_conn.IsClosed) return null;
                long now = Environment.TickCount64;
                var silence = TimeSpan.FromMilliseconds(now - _conn.LastReceivedTicks);
                if (silence >= Timeout)
                {
                    var error = new KeepAliveTimeoutException(silence, Timeout);
                    _conn.Fail(error);
                    return error;
                }
                if (now - lastPing >= Interval.TotalMilliseconds)
                {
                    lastPing = now;
                    // A ping that cannot be written in time means the peer is not reading; the
                    // silence check above ends the connection when the timeout is reached.
                    try { await _conn.WriteControlAsync(MessageType.Ping, default, Timeout, _stop.Token).ConfigureAwait(false); }
                    catch (ConnectionClosedException) { return null; }
                    catch (Exception e) when (e is TimeoutException or IOException or ObjectDisposedException) { }
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested) { }
        return null;
    }

    /// <summary>Stops the keep-alive (the connection stays open).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stop.Cancel();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private int _disposed;
}
