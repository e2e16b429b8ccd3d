namespace WebSocketKit;

// What the keep-alive and the connection registry need to know about a connection from outside
// its read loop. Kept apart from the read path; the one hook there is NoteReceived in ReceiveAsync.
public sealed partial class Conn
{
    private long _lastReceivedTicks = Environment.TickCount64;

    /// <summary>When bytes (of any frame) last arrived from the peer, in <see cref="Environment.TickCount64"/> milliseconds.</summary>
    internal long LastReceivedTicks => Volatile.Read(ref _lastReceivedTicks);

    private void NoteReceived() => Volatile.Write(ref _lastReceivedTicks, Environment.TickCount64);

    /// <summary>True once the stream is closed (<see cref="Abort"/>, dispose, or a failure that closed it).</summary>
    public bool IsClosed => Volatile.Read(ref _disposed) != 0;

    /// <summary>True once the peer's Close frame has been read.</summary>
    public bool PeerSentClose => _peerClosed;

    /// <summary>
    /// Closes the stream at once with <paramref name="reason"/> as the failure every pending and
    /// later call reports (as the <see cref="Exception.InnerException"/> of a <see cref="ConnectionClosedException"/>).
    /// </summary>
    internal void Fail(Exception reason)
    {
        var closed = new ConnectionClosedException($"websocket: the connection was closed: {reason.Message}", reason);
        Interlocked.CompareExchange(ref _readFailure, closed, null);
        Interlocked.CompareExchange(ref _writeFailure, closed, null);
        Abort();
    }
}
