using System.Buffers;
using Microsoft.Extensions.Logging;

namespace WebSocketKit;

/// <summary>
/// Settings every connection has, whichever side opened it. The <see cref="Upgrader"/> and the
/// <see cref="Dialer"/> hand them to each <see cref="Conn"/> they create; the connection keeps its
/// own validated, read-only copy (see <see cref="Conn.Options"/>), taken before the handshake's
/// answer or request goes out, so changing these afterwards affects only later connections.
/// <para>
/// Zero values mean what they mean in gorilla/websocket: a buffer size of 0 is the default size,
/// a <see cref="ReadLimit"/> of 0 is no limit, a timeout of <see cref="TimeSpan.Zero"/> is no
/// timeout. <see cref="Timeout.InfiniteTimeSpan"/> is also no timeout; any other negative timeout,
/// and any negative size or limit, is refused with <see cref="ArgumentOutOfRangeException"/> when a
/// connection is created (before the 101 is written or the request is sent).
/// </para>
/// </summary>
public sealed class ConnectionOptions
{
    /// <summary>The default read limit: 32 MiB. gorilla's default is unlimited, which lets one peer exhaust memory.</summary>
    public const long DefaultReadLimit = 32L << 20;

    /// <summary>The read and write buffer size used when none (0) is given: 4096 bytes, as in gorilla.</summary>
    public const int DefaultBufferSize = 4096;

    /// <summary>The smallest buffer size accepted (besides 0, which means <see cref="DefaultBufferSize"/>).</summary>
    public const int MinBufferSize = 128;

    // CancellationTokenSource.CancelAfter takes at most this many milliseconds; a longer timeout
    // cannot be told from never within a process's life, so it becomes never.
    private static readonly TimeSpan LongestTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1.0);

    private bool _readOnly;

    /// <summary>
    /// Size of the buffer that holds received bytes (default 4096; 0 means 4096, as in gorilla;
    /// otherwise at least <see cref="MinBufferSize"/>). Payloads larger than what is buffered are
    /// read straight into the caller's memory, so this does not limit message size; it trades
    /// memory per connection for system calls on small messages.
    /// </summary>
    public int ReadBufferSize { get; set { ThrowIfReadOnly(); field = value; } } = DefaultBufferSize;

    /// <summary>
    /// Size of the buffer frames are built in (default 4096; 0 means 4096, as in gorilla; otherwise
    /// at least <see cref="MinBufferSize"/>). A message that fits goes out as header and payload in
    /// one write; <see cref="Conn.NextWriter"/> sends a frame each time the buffer fills, so a
    /// smaller buffer means more frame headers on the wire.
    /// </summary>
    public int WriteBufferSize { get; set { ThrowIfReadOnly(); field = value; } } = DefaultBufferSize;

    /// <summary>
    /// Where write buffers come from. With a pool (the default, <see cref="ArrayPool{T}.Shared"/>)
    /// a connection holds a write buffer only while it writes, so idle connections cost no write
    /// memory; with null each connection allocates one on its first write and keeps it. gorilla
    /// holds buffers for the connection's life unless a pool is set; we pool by default.
    /// </summary>
    public ArrayPool<byte>? WriteBufferPool { get; set { ThrowIfReadOnly(); field = value; } } = ArrayPool<byte>.Shared;

    /// <summary>
    /// The largest message accepted, in bytes (default <see cref="DefaultReadLimit"/>; 0 means no
    /// limit, as gorilla's zero read limit does, and reads back as <see cref="long.MaxValue"/> on a
    /// connection's copy; negative values are refused). It is checked on each frame header, before
    /// the payload is read, and a larger message fails the connection with close 1009. A compressed
    /// message (permessage-deflate) is checked as it inflates: it fails after at most this many
    /// inflated bytes, whatever its compressed size.
    /// </summary>
    public long ReadLimit { get; set { ThrowIfReadOnly(); field = value; } } = DefaultReadLimit;

    /// <summary>
    /// How long <see cref="Conn.CloseAsync"/> waits for the peer's Close frame, and the deadline
    /// the default close and ping handlers give their replies (default 5 s). <see cref="TimeSpan.Zero"/>
    /// and <see cref="Timeout.InfiniteTimeSpan"/> mean no timeout (a connection's copy holds
    /// <see cref="Timeout.InfiniteTimeSpan"/> for both); other negative values are refused.
    /// </summary>
    public TimeSpan CloseTimeout { get; set { ThrowIfReadOnly(); field = value; } } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Every write (data or control frame) must reach the stream within this time; a write that
    /// times out fails the write side and the connection is closed. Default
    /// <see cref="Timeout.InfiniteTimeSpan"/>: no timeout. <see cref="TimeSpan.Zero"/> also means
    /// none (gorilla's zero deadline); other negative values are refused. It applies per write
    /// call, alongside any deadline set with <see cref="Conn.SetWriteDeadline"/>.
    /// </summary>
    public TimeSpan WriteTimeout { get; set { ThrowIfReadOnly(); field = value; } } = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// When set (the default), a connection waiting for data holds no read buffer: it waits with a
    /// zero-byte read and rents the buffer from <see cref="ArrayPool{T}.Shared"/> only when bytes
    /// arrive, giving it back once they are consumed, so an idle connection holds neither a read nor
    /// a write buffer (Kestrel's socket transport waits the same way). While messages keep arriving
    /// the cost is one extra non-blocking call per buffer refill, not per message. gorilla holds the
    /// read buffer for the connection's life; clear this to do the same. Needs a stream whose
    /// zero-byte reads wait for data, as <see cref="System.Net.Sockets.NetworkStream"/> and
    /// <see cref="System.Net.Security.SslStream"/> do; with a stream whose zero-byte reads return at
    /// once it still works, holding a buffer while a read is pending.
    /// </summary>
    public bool ReleaseReadBufferWhenIdle { get; set { ThrowIfReadOnly(); field = value; } } = true;

    /// <summary>Where the connection logs failures and closes (default: nowhere).</summary>
    public ILogger? Logger { get; set { ThrowIfReadOnly(); field = value; } }

    /// <summary>
    /// True for a connection's own copy (<see cref="Conn.Options"/>): validated, normalised, and
    /// read-only; its setters throw <see cref="InvalidOperationException"/>.
    /// </summary>
    public bool IsReadOnly => _readOnly;

    /// <summary>
    /// Checks every value as a connection will when it is created, so that a configuration error
    /// shows at start-up: throws <see cref="ArgumentOutOfRangeException"/> naming the bad value.
    /// </summary>
    public void Validate() => Snapshot();

    /// <summary>
    /// The copy a connection runs with: every value checked (a bad one throws
    /// <see cref="ArgumentOutOfRangeException"/> naming it), zero values replaced by what they
    /// stand for, and read-only. A copy that is already read-only is returned as it is.
    /// </summary>
    internal ConnectionOptions Snapshot()
    {
        if (_readOnly) return this;
        var copy = new ConnectionOptions
        {
            ReadBufferSize = BufferSize(ReadBufferSize, nameof(ReadBufferSize)),
            WriteBufferSize = BufferSize(WriteBufferSize, nameof(WriteBufferSize)),
            WriteBufferPool = WriteBufferPool,
            ReadLimit = ReadLimit switch
            {
                0 => long.MaxValue,
                < 0 => throw new ArgumentOutOfRangeException(nameof(ReadLimit), ReadLimit, "websocket: ReadLimit must be 0 (no limit) or positive."),
                _ => ReadLimit,
            },
            CloseTimeout = NormaliseTimeout(CloseTimeout, nameof(CloseTimeout)),
            WriteTimeout = NormaliseTimeout(WriteTimeout, nameof(WriteTimeout)),
            ReleaseReadBufferWhenIdle = ReleaseReadBufferWhenIdle,
            Logger = Logger,
        };
        copy._readOnly = true;
        return copy;
    }

    /// <summary>
    /// The one timeout rule of this library: <see cref="TimeSpan.Zero"/> and
    /// <see cref="Timeout.InfiniteTimeSpan"/> mean none and come back as
    /// <see cref="Timeout.InfiniteTimeSpan"/> (which CancelAfter treats as never); a positive value
    /// stays (one too long for a timer becomes never); any other negative value throws.
    /// </summary>
    internal static TimeSpan NormaliseTimeout(TimeSpan value, string name)
    {
        if (value == TimeSpan.Zero || value == Timeout.InfiniteTimeSpan || value > LongestTimer) return Timeout.InfiniteTimeSpan;
        if (value < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(name, value, $"websocket: {name} must be positive, zero (no timeout) or Timeout.InfiniteTimeSpan (no timeout).");
        return value;
    }

    private static int BufferSize(int value, string name) => value switch
    {
        0 => DefaultBufferSize,
        < MinBufferSize => throw new ArgumentOutOfRangeException(name, value, $"websocket: {name} must be 0 (the default, {DefaultBufferSize}) or at least {MinBufferSize}."),
        _ => value,
    };

    private void ThrowIfReadOnly()
    {
        if (_readOnly)
            throw new InvalidOperationException("websocket: these are a connection's own options and cannot change; set the Upgrader's or Dialer's ConnectionOptions for later connections (or use Conn.SetReadLimit).");
    }
}
