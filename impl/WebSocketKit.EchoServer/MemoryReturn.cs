namespace WebSocketKit.EchoServer;

/// <summary>
/// Gives memory back to the system after the number of open connections has moved a lot. A .NET heap
/// collects only when something allocates, so after a burst of closes the buffers, compression windows
/// and connection objects of the gone connections stay resident until traffic resumes; and after a
/// burst of handshakes the heap holds their garbage, with the survivors scattered through it. When the
/// open connections have changed by at least <see cref="MinimumChange"/> since the last collection, one
/// aggressive collection (compacting, and decommitting what it frees) runs once the opens and closes
/// have paused for <see cref="Quiet"/>; changes inside that pause push it back, so a burst costs one
/// collection and steady churn at a stable count costs none. (Node's V8 does the like in its idle time.)
/// </summary>
internal sealed class MemoryReturn : IDisposable
{
    /// <summary>Smaller changes never trigger a collection: small churn is the GC's own business.</summary>
    public const int MinimumChange = 256;

    /// <summary>How long the opens and closes must pause before the collection runs.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);

    private readonly Func<int> _open;
    private readonly Timer _timer;
    private readonly Lock _gate = new();
    // The open count at the last collection.
    private int _reference;

    /// <param name="open">The number of connections open right now.</param>
    public MemoryReturn(Func<int> open)
    {
        _open = open;
        _timer = new Timer(_ => Collect(), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>Called after every open or close with the new count of open connections.</summary>
    public void Observe(int open)
    {
        lock (_gate)
        {
            if (Math.Abs(open - _reference) >= MinimumChange) _timer.Change(Quiet, Timeout.InfiniteTimeSpan);
        }
    }

    private void Collect()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        lock (_gate) _reference = _open();
    }

    public void Dispose() => _timer.Dispose();
}
