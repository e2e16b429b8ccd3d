namespace WebSocketKit.Fuzz.Targets;

/// <summary>
/// A deterministic stand-in for a socket: reads hand out a fixed byte stream in fixed pieces (a
/// read never crosses a piece boundary, then the stream ends), writes are collected. Every
/// operation completes synchronously, so an async caller never yields and nothing waits on a clock.
/// After Dispose every operation throws <see cref="ObjectDisposedException"/>, as a closed socket's stream does.
/// </summary>
public sealed class InMemoryDuplexStream(byte[] incoming, IReadOnlyList<int> pieces) : Stream
{
    private readonly MemoryStream _written = new();
    private int _position, _piece, _pieceLeft = pieces.Count > 0 ? pieces[0] : 0;
    private bool _disposed;

    /// <summary>Everything written so far.</summary>
    public byte[] Written => _written.ToArray();

    /// <summary>Whether the stream was disposed (the connection closed it).</summary>
    public bool IsDisposed => _disposed;

    public override bool CanRead => !_disposed;
    public override bool CanWrite => !_disposed;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty) return 0;
        while (_pieceLeft == 0 && _piece + 1 < pieces.Count) _pieceLeft = pieces[++_piece];
        int n = Math.Min(Math.Min(buffer.Length, _pieceLeft), incoming.Length - _position);
        incoming.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        _pieceLeft -= n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellationToken) : ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _written.Write(buffer);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled(cancellationToken);
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => ObjectDisposedException.ThrowIf(_disposed, this);

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        Flush();
        return Task.CompletedTask;
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        base.Dispose(disposing);
    }
}
