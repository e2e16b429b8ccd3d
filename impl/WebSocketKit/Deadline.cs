namespace WebSocketKit;

/// <summary>
/// A read or write deadline as gorilla has them (an absolute time; none by default), turned into a
/// cancellation token, plus an optional bound on each operation (the write timeout). As in gorilla,
/// moving the deadline moves it for an operation already under way too (a pong handler that extends
/// the read deadline keeps the pending read alive). The token source is reused from one operation
/// to the next while it has not fired, so a deadline costs no allocation per message.
/// <para>
/// Nor does it cost a timer change per message. Its one timer is armed when an operation could run out
/// of time before the timer would fire, and is left running when the operation ends. When it fires it
/// looks at the operation under way, if any: out of time, it is cancelled; otherwise the timer is armed
/// again for that operation's own limit. A connection that writes all the time (under a 30 s write
/// timeout) so changes its timer about once in 30 s instead of two or three times per message, each
/// change taking the runtime's timer-queue lock.
/// </para>
/// </summary>
internal sealed class Deadline(TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private CancellationTokenSource? _cts;
    private ITimer? _timer;
    // When the armed timer fires (a timestamp of _time), or long.MaxValue while it is not armed; long.MinValue once disposed.
    private long _timerDue = long.MaxValue;
    private DateTimeOffset? _at;
    private bool _running;
    private long _begun;

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
                fire = _running && _cts is { IsCancellationRequested: false } cts && !Arm(_time.GetTimestamp()) ? cts : null;
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
            // Only a source that fired is replaced: no timer of its own runs on it (the timer here cancels it), and
            // the operations that used it have removed their registrations when they completed.
            if (_cts is null || _cts.IsCancellationRequested)
            {
                _cts?.Dispose();
                _cts = new CancellationTokenSource();
            }
            cts = _cts;
            _running = true;
            _begun = _time.GetTimestamp();
            expired = !Arm(_begun);
        }
        if (expired) cts.Cancel();
        if (user.CanBeCanceled)
            link = user.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), cts);
        return cts.Token;
    }

    /// <summary>Ends the operation: unlinks the caller's token. The timer is left as it is (see the class's remarks).</summary>
    public void End(CancellationTokenRegistration link)
    {
        link.Dispose();
        lock (_gate) _running = false;
    }

    /// <summary>Stops the timer for good (the connection is finished with this deadline).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
            _timerDue = long.MinValue; // never armed again
        }
    }

    // Under _gate, for the operation under way, at timestamp now: false when its time has already passed (the caller
    // cancels, outside the lock); otherwise makes sure the timer fires no later than its limit.
    private bool Arm(long now)
    {
        if (Remaining(now) is not { } wait) return true;
        if (wait <= TimeSpan.Zero) return false;
        if (wait > MaxTimer) wait = MaxTimer;
        long due = now + (long)(wait.TotalSeconds * _time.TimestampFrequency);
        if (due < _timerDue)
        {
            _timer ??= _time.CreateTimer(static s => ((Deadline)s!).Fired(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer.Change(wait, Timeout.InfiniteTimeSpan);
            _timerDue = due;
        }
        return true;
    }

    // The time left to the operation under way: to the nearer of the deadline and its own bound; null for no limit.
    private TimeSpan? Remaining(long now)
    {
        TimeSpan? remaining = _at is { } at ? at - _time.GetUtcNow() : null;
        if (PerOperation is { } bound)
        {
            var left = bound - _time.GetElapsedTime(_begun, now);
            if (remaining is null || left < remaining) remaining = left;
        }
        return remaining;
    }

    // The timer fired: cancel the operation under way if it is out of time, or arm again for its own limit.
    private void Fired()
    {
        CancellationTokenSource? fire = null;
        lock (_gate)
        {
            if (_timerDue == long.MinValue) return; // disposed
            _timerDue = long.MaxValue;
            if (_running && _cts is { IsCancellationRequested: false } cts && !Arm(_time.GetTimestamp())) fire = cts;
        }
        fire?.Cancel();
    }

    // The longest timer (about 49 days); a later deadline waits that long, then the timer is armed again.
    private static readonly TimeSpan MaxTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1);
}
