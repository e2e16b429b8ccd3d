using System.Buffers;
using Microsoft.Extensions.Logging;

namespace WebSocketKit;

/// <summary>
/// Settings every connection has, whichever side opened it. The <see cref="Upgrader"/> (and the
/// Dialer) pass them to each <see cref="Conn"/> they create.
/// </summary>
public sealed class ConnectionOptions
{
    /// <summary>The default read limit: 32 MiB. gorilla's default is unlimited, which lets one peer exhaust memory.</summary>
    public const long DefaultReadLimit = 32L << 20;

    /// <summary>
    /// Size of the buffer that holds received bytes (default 4096). Payloads larger than what is
    /// buffered are read straight into the caller's memory, so this does not limit message size;
    /// it trades memory per connection for system calls on small messages.
    /// </summary>
    public int ReadBufferSize { get; set; } = 4096;

    /// <summary>
    /// Size of the buffer frames are built in (default 4096). A message that fits goes out as
    /// header and payload in one write; <see cref="Conn.NextWriter"/> sends a frame each time the
    /// buffer fills, so a smaller buffer means more frame headers on the wire.
    /// </summary>
    public int WriteBufferSize { get; set; } = 4096;

    /// <summary>
    /// Where write buffers come from. With a pool (the default, <see cref="ArrayPool{T}.Shared"/>)
    /// a connection holds a write buffer only while it writes, so idle connections cost no write
    /// memory; with null each connection allocates one on its first write and keeps it. gorilla
    /// holds buffers for the connection's life unless a pool is set; we pool by default.
    /// </summary>
    public ArrayPool<byte>? WriteBufferPool { get; set; } = ArrayPool<byte>.Shared;

    /// <summary>
    /// The largest message accepted, in bytes (default <see cref="DefaultReadLimit"/>). It is
    /// checked on each frame header, before the payload is read, and a larger message fails the
    /// connection with close 1009. A compressed message (permessage-deflate) is checked as it
    /// inflates: it fails after at most this many inflated bytes, whatever its compressed size.
    /// </summary>
    public long ReadLimit { get; set; } = DefaultReadLimit;

    /// <summary>
    /// How long <see cref="Conn.CloseAsync"/> waits for the peer's Close frame, and the deadline
    /// the default close and ping handlers give their replies (default 5 s).
    /// </summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

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
    public bool ReleaseReadBufferWhenIdle { get; set; } = true;

    /// <summary>Where the connection logs failures and closes (default: nowhere).</summary>
    public ILogger? Logger { get; set; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ReadBufferSize, 128, nameof(ReadBufferSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(WriteBufferSize, 128, nameof(WriteBufferSize));
        ArgumentOutOfRangeException.ThrowIfNegative(ReadLimit, nameof(ReadLimit));
    }
}
