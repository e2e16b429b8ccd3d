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
    private readonly Action _collect;
    private readonly TimeSpan _quiet;
    private readonly Timer _timer;
    private readonly Lock _gate = new();
    // The open count at the last collection.
    private int _reference;

    /// <param name="open">The number of connections open right now.</param>
    /// <param name="collect">The collection (tests pass their own); by default the aggressive collection above.</param>
    /// <param name="quiet">The pause before it runs; by default <see cref="Quiet"/>.</param>
    public MemoryReturn(Func<int> open, Action? collect = null, TimeSpan? quiet = null)
    {
        _open = open;
        _collect = collect ?? (static () => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true));
        _quiet = quiet ?? Quiet;
        _timer = new Timer(_ => Collect(), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>True while a collection waits for the pause.</summary>
    public bool Armed { get { lock (_gate) return field; } private set; }

    /// <summary>Called after every open or close with the new count of open connections.</summary>
    public void Observe(int open)
    {
        lock (_gate)
        {
            if (Math.Abs(open - _reference) < MinimumChange) return;
            Armed = true;
            _timer.Change(_quiet, Timeout.InfiniteTimeSpan);
        }
    }

    private void Collect()
    {
        lock (_gate)
        {
            _reference = _open();
            Armed = false;
        }
        _collect();
    }

    public void Dispose() => _timer.Dispose();
}
