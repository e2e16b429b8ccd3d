namespace WebSocketKit;

/// <summary>
/// A read or write deadline as gorilla has them (an absolute time; none by default), turned into a
/// cancellation token. The token source is reused from one operation to the next while it has
/// not fired, so a deadline costs no allocation per message.
/// </summary>
internal sealed class Deadline
{
    private CancellationTokenSource? _cts;

    /// <summary>The deadline, or null for none.</summary>
    public DateTimeOffset? At { get; set; }

    /// <summary>How long any one operation may take (the write timeout), or null for no such bound.</summary>
    public TimeSpan? PerOperation { get; init; }

    /// <summary>True when an operation can run out of time (a deadline or a per-operation bound is set).</summary>
    public bool IsTimed => At is not null || PerOperation is not null;

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

    /// <summary>The token for one operation: the caller's, plus the deadline when one is set.</summary>
    public CancellationToken Begin(CancellationToken user, out CancellationTokenRegistration link)
    {
        link = default;
        if (!IsTimed) return user;
        if (_cts is null || !_cts.TryReset())
        {
            _cts?.Dispose();
            _cts = new CancellationTokenSource();
        }
        var remaining = At is { } at ? at - DateTimeOffset.UtcNow : TimeSpan.MaxValue;
        if (PerOperation is { } bound && bound < remaining) remaining = bound;
        if (remaining <= TimeSpan.Zero) _cts.Cancel();
        else _cts.CancelAfter(remaining);
        if (user.CanBeCanceled)
            link = user.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _cts);
        return _cts.Token;
    }

    /// <summary>Ends the operation: unlinks the caller's token and stops the timer.</summary>
    public void End(CancellationTokenRegistration link)
    {
        link.Dispose();
        if (_cts is { IsCancellationRequested: false } cts) cts.CancelAfter(Timeout.InfiniteTimeSpan);
    }
}
