namespace WebSocketKit;

/// <summary>
/// A read or write deadline as gorilla has them (an absolute time; none by default), turned into a
/// cancellation token, plus an optional bound on each operation (the write timeout). As in gorilla,
/// moving the deadline moves it for an operation already under way too (a pong handler that extends
/// the read deadline keeps the pending read alive). The token source is reused from one operation
/// to the next while it has not fired, so a deadline costs no allocation per message.
/// </summary>
internal sealed class Deadline
{
    private readonly Lock _gate = new();
    private CancellationTokenSource? _cts;
    private DateTimeOffset? _at;
    private bool _running;
    private long _begunTicks;

    /// <summary>The deadline, or null for none. Setting it re-arms an operation under way.</summary>
    public DateTimeOffset? At
    {
        get => _at;
        set
        {
            CancellationTokenSource? fire;
            lock (_gate)
            {
                _at = value;
                fire = _running && _cts is { IsCancellationRequested: false } cts && !Arm(cts) ? cts : null;
            }
            // Cancelled outside the lock: cancellation runs the pending operation's callbacks.
            fire?.Cancel();
        }
    }

    /// <summary>How long any one operation may take (the write timeout), or null for no such bound.</summary>
    public TimeSpan? PerOperation { get; init; }

    /// <summary>True when an operation can run out of time (a deadline or a per-operation bound is set).</summary>
    public bool IsTimed => _at is not null || PerOperation is not null;

    /// <summary>The token for one operation under <paramref name="deadline"/>, which may be null (none).</summary>
    public static CancellationToken Begin(Deadline? deadline, CancellationToken user, out CancellationTokenRegistration link)
    {
        if (deadline is null)
        {
            link = default;
            return user;
        }
        return deadline.Begin(user, out link);
    }

    /// <summary>The token for one operation: the caller's, plus the deadline and the per-operation bound.</summary>
    public CancellationToken Begin(CancellationToken user, out CancellationTokenRegistration link)
    {
        link = default;
        CancellationTokenSource cts;
        bool expired;
        lock (_gate)
        {
            if (_cts is null || !_cts.TryReset())
            {
                _cts?.Dispose();
                _cts = new CancellationTokenSource();
            }
            cts = _cts;
            _running = true;
            _begunTicks = Environment.TickCount64;
            expired = !Arm(cts);
        }
        if (expired) cts.Cancel();
        if (user.CanBeCanceled)
            link = user.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), cts);
        return cts.Token;
    }

    /// <summary>Ends the operation: unlinks the caller's token and stops the timer.</summary>
    public void End(CancellationTokenRegistration link)
    {
        link.Dispose();
        lock (_gate)
        {
            _running = false;
            if (_cts is { IsCancellationRequested: false } cts) cts.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    // Sets the timer to the nearer of the deadline and the operation's own bound; false when that
    // time has already passed (the caller cancels, outside the lock).
    private bool Arm(CancellationTokenSource cts)
    {
        TimeSpan? remaining = _at is { } at ? at - DateTimeOffset.UtcNow : null;
        if (PerOperation is { } bound)
        {
            var left = bound - TimeSpan.FromMilliseconds(Environment.TickCount64 - _begunTicks);
            if (remaining is null || left < remaining) remaining = left;
        }
        if (remaining is not { } wait)
        {
            cts.CancelAfter(Timeout.InfiniteTimeSpan);
            return true;
        }
        if (wait <= TimeSpan.Zero) return false;
        cts.CancelAfter(wait > MaxTimer ? MaxTimer : wait);
        return true;
    }

    // CancelAfter's longest timer (about 49 days); a later deadline waits that long, then is re-armed by nothing: near enough to never.
    private static readonly TimeSpan MaxTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1);
}
