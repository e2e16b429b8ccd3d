namespace WebSocketKit;

/// <summary>
/// The bytes of a WebSocket carried by one HTTP/2 stream (RFC 8441): the DATA frames of an extended
/// CONNECT, as the host's HTTP/2 layer (Kestrel, SocketsHttpHandler) hands them over. Such a
/// WebSocket ends differently from one that owns its TCP connection. RFC 8441 section 5 maps the
/// orderly close of TCP to END_STREAM and a TCP reset to RST_STREAM. So once our Close frame went
/// out (a close handshake, or a failure answered with its close code, after which RFC 6455 closes
/// TCP in order), disposing lets the stream end in order and the Close frame arrive; a connection
/// dropped without a Close frame (<see cref="Conn.Abort"/>, a failed write) is reset instead, which
/// may discard DATA still queued. <see cref="Conn"/> tells the two apart and calls
/// <see cref="Reset"/> for the second. Either way the HTTP/2 connection serves its other streams.
/// </summary>
internal sealed class ExtendedConnectStream : Stream
{
    private readonly Stream _inner;
    private readonly Action _reset;
    private readonly IDisposable? _owner;
    private int _resetDone;

    /// <param name="inner">The duplex stream of the HTTP/2 stream.</param>
    /// <param name="reset">Sends RST_STREAM for this stream only (HttpContext.Abort, or disposing the client's response).</param>
    /// <param name="owner">Released with the stream (the client's HttpResponseMessage), or null.</param>
    public ExtendedConnectStream(Stream inner, Action reset, IDisposable? owner = null)
    {
        _inner = inner;
        _reset = reset;
        _owner = owner;
    }

    /// <summary>Resets the HTTP/2 stream (RST_STREAM); the connection and its other streams live on.</summary>
    public void Reset()
    {
        if (Interlocked.Exchange(ref _resetDone, 1) == 0) _reset();
    }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.ReadAsync(buffer, offset, count, cancellationToken);
    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _inner.WriteAsync(buffer, cancellationToken);
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.WriteAsync(buffer, offset, count, cancellationToken);
    public override void Flush() => _inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try { _inner.Dispose(); }
            finally { _owner?.Dispose(); }
        }
        base.Dispose(disposing);
    }
}
