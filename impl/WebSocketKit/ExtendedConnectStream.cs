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
/// A client lets the server end the stream first (RFC 6455 section 7.1.1, the server closes TCP
/// first): SocketsHttpHandler cannot end its side alone, and disposing the stream before the
/// server ended it resets it, which may discard the client's Close frame at the server. So a
/// client's orderly dispose reads on in the background until the server's END_STREAM, for at most
/// <c>awaitPeerEnd</c>, and only then lets go of the stream.
/// </summary>
internal sealed class ExtendedConnectStream : Stream
{
    private readonly Stream _inner;
    private readonly Action _reset;
    private readonly IDisposable? _owner;
    private readonly TimeSpan _awaitPeerEnd;
    private int _resetDone;
    private int _readsInFlight;
    private volatile bool _peerEnded;

    /// <param name="inner">The duplex stream of the HTTP/2 stream.</param>
    /// <param name="reset">Sends RST_STREAM for this stream only (HttpContext.Abort, or disposing the client's response).</param>
    /// <param name="owner">Released with the stream (the client's HttpResponseMessage), or null.</param>
    /// <param name="awaitPeerEnd">The client's bound on waiting for the server's END_STREAM after an orderly dispose; zero for a server.</param>
    public ExtendedConnectStream(Stream inner, Action reset, IDisposable? owner = null, TimeSpan awaitPeerEnd = default)
    {
        _inner = inner;
        _reset = reset;
        _owner = owner;
        _awaitPeerEnd = awaitPeerEnd;
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

    public override int Read(byte[] buffer, int offset, int count)
    {
        Interlocked.Increment(ref _readsInFlight);
        try { return Ended(_inner.Read(buffer, offset, count), count); }
        finally { Interlocked.Decrement(ref _readsInFlight); }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _readsInFlight);
        try { return Ended(await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false), buffer.Length); }
        finally { Interlocked.Decrement(ref _readsInFlight); }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // A read of nothing into a non-empty buffer is the peer's END_STREAM (a zero-byte read only waits for data).
    private int Ended(int read, int asked)
    {
        if (read == 0 && asked > 0) _peerEnded = true;
        return read;
    }
    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _inner.WriteAsync(buffer, cancellationToken);
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.WriteAsync(buffer, offset, count, cancellationToken);
    public override void Flush() => _inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // A read in flight (another task's) may not be joined by a second one: that stream lets go at once.
            bool linger = _awaitPeerEnd > TimeSpan.Zero && Volatile.Read(ref _resetDone) == 0 && !_peerEnded && Volatile.Read(ref _readsInFlight) == 0;
            if (linger) _ = ReleaseAfterPeerEndAsync();
            else Release();
        }
        base.Dispose(disposing);
    }

    private async Task ReleaseAfterPeerEndAsync()
    {
        try
        {
            using var bound = new CancellationTokenSource(_awaitPeerEnd);
            var discard = new byte[256];
            while (await _inner.ReadAsync(discard, bound.Token).ConfigureAwait(false) > 0) { }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or System.Net.Http.HttpRequestException)
        {
            // Reset, dropped, or not ended in time: let go all the same.
        }
        finally
        {
            Release();
        }
    }

    private void Release()
    {
        try { _inner.Dispose(); }
        catch (Exception e) when (e is IOException or ObjectDisposedException) { }
        finally { _owner?.Dispose(); }
    }
}
