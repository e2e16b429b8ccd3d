using System.Collections.Concurrent;
using WebSocketKit.Protocol;

namespace WebSocketKit;

/// <summary>What <see cref="ConnectionRegistry.ShutdownAsync"/> did.</summary>
/// <param name="Connections">Connections open when the shutdown began.</param>
/// <param name="ClosedCleanly">Those whose peer answered with its Close frame before the deadline.</param>
/// <param name="Dropped">Those closed without the peer's answer (deadline reached or connection broken).</param>
public readonly record struct ShutdownResult(int Connections, int ClosedCleanly, int Dropped);

/// <summary>
/// The open connections of a server, for a graceful shutdown (gorilla leaves this to each
/// application): register each connection when it opens and remove it when its handler ends;
/// <see cref="ShutdownAsync"/> then refuses new ones, sends every open one Close 1001 (going away,
/// RFC 6455 section 7.4.1), waits for their Close frames up to a deadline and drops the rest, so
/// no connection outlives the server. Thread-safe.
/// </summary>
public sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<Conn, byte> _open = new();
    private readonly TaskCompletionSource _empty = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _shuttingDown;

    /// <summary>Connections registered and not yet removed.</summary>
    public int Count => _open.Count;

    /// <summary>True once <see cref="ShutdownAsync"/> has begun.</summary>
    public bool IsShuttingDown => _shuttingDown;

    /// <summary>
    /// Completes once a shutdown has begun and every registered connection has been removed
    /// (their handlers have ended).
    /// </summary>
    public Task Drained => _empty.Task;

    /// <summary>
    /// Registers <paramref name="conn"/>. False during a shutdown: the caller should then close
    /// it with 1001 itself (<see cref="CloseStatus.GoingAway"/>) instead of serving it.
    /// </summary>
    public bool TryAdd(Conn conn)
    {
        ArgumentNullException.ThrowIfNull(conn);
        if (_shuttingDown) return false;
        _open.TryAdd(conn, 0);
        // A shutdown that began meanwhile may have taken its snapshot without this one.
        if (!_shuttingDown) return true;
        Remove(conn);
        return false;
    }

    /// <summary>Removes <paramref name="conn"/> (call it when its handler ends, whatever the reason).</summary>
    public void Remove(Conn conn)
    {
        _open.TryRemove(conn, out _);
        if (_shuttingDown && _open.IsEmpty) _empty.TrySetResult();
    }

    /// <summary>
    /// Refuses new registrations, sends Close 1001 with <paramref name="reason"/> to every open
    /// connection, waits up to <paramref name="deadline"/> for each peer's Close frame (read by the
    /// connection's own reader if one is running, otherwise by this call), then closes every stream.
    /// The connections stay registered until their handlers remove them (see <see cref="Drained"/>).
    /// </summary>
    public async Task<ShutdownResult> ShutdownAsync(TimeSpan deadline, string reason = "server shutting down")
    {
        _shuttingDown = true;
        var open = _open.Keys.ToArray();
        if (_open.IsEmpty) _empty.TrySetResult();
        using var timeout = new CancellationTokenSource(deadline);
        var closes = open.Select(async c =>
        {
            try { await c.CloseAsync(CloseStatus.GoingAway, reason, timeout.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { } // CloseAsync has closed the stream regardless
            return c.PeerSentClose;
        });
        var clean = await Task.WhenAll(closes).ConfigureAwait(false);
        int cleanCount = clean.Count(x => x);
        return new ShutdownResult(open.Length, cleanCount, open.Length - cleanCount);
    }
}
