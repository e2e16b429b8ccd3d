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
        if (At is not { } at) return user;
        if (_cts is null || !_cts.TryReset())
        {
            _cts?.Dispose();
            _cts = new CancellationTokenSource();
        }
        var remaining = at - DateTimeOffset.UtcNow;
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
