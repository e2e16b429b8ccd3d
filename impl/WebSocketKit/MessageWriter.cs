using System.Buffers;
using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;

namespace WebSocketKit;

/// <summary>
/// The stream <see cref="Conn.NextWriter"/> returns. Written bytes collect in a write buffer
/// (rented from the pool for the life of the message, with room for a frame header in front);
/// when it fills, it goes out as one frame (the first with the message's opcode, later ones as
/// continuations), and disposing sends the rest as the final frame. Flush does not end a frame:
/// frames go out only when the buffer is full or the message ends.
/// <para>
/// With permessage-deflate the buffer is larger (<see cref="CompressedChunk"/> bytes), and each
/// full buffer is deflated up to a sync-flush point and sent as one frame (RSV1 on the first), so
/// a message of any size streams in bounded memory; the deflate stream runs on across the
/// frames. A message that ends before its first buffer fills is compressed only if it reaches the
/// threshold.
/// </para>
/// </summary>
internal sealed class MessageWriter : Stream
{
    private readonly Conn _conn;
    private Opcode _opcode;
    private byte[]? _buffer;
    private int _count;
    private Utf8Validator _utf8;
    private readonly bool _text;
    private bool _done;
    // Compression: allowed for this message, decided at the first frame, and its context and output.
    private const int CompressedChunk = 32 * 1024;
    private readonly bool _mayCompress;
    private bool? _compressing;
    private MessageDeflater? _deflater;
    private byte[]? _compressed;
    private bool _finished;

    public MessageWriter(Conn conn, Opcode opcode)
    {
        _conn = conn;
        _opcode = opcode;
        _text = opcode == Opcode.Text;
        _mayCompress = conn.CompressesStreams;
        _buffer = _mayCompress ? ArrayPool<byte>.Shared.Rent(Conn.HeaderRoom + CompressedChunk) : conn.RentWriteBuffer();
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_done;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        if (_text)
        {
            var check = _utf8;
            if (!check.Append(data.Span))
                throw new ArgumentException("websocket: a text message must be valid UTF-8; nothing of this write was sent.", nameof(data));
            _utf8 = check;
        }
        var buffer = _buffer!;
        int room = buffer.Length - Conn.HeaderRoom;
        while (!data.IsEmpty)
        {
            if (_count == room) await SendAsync(fin: false, cancellationToken).ConfigureAwait(false);
            int n = Math.Min(room - _count, data.Length);
            data.Span[..n].CopyTo(buffer.AsSpan(Conn.HeaderRoom + _count));
            _count += n;
            data = data[n..];
        }
    }

    private async ValueTask SendAsync(bool fin, CancellationToken cancellationToken)
    {
        var token = _conn.BeginWriterCall(cancellationToken, out var link);
        try
        {
            if (_mayCompress && _compressing is null) _compressing = !fin || _count >= _conn.CompressionThreshold;
            if (_compressing == true) await SendCompressedAsync(fin, token).ConfigureAwait(false);
            else await _conn.SendBufferedFrameAsync(_buffer!, _count, _opcode, fin, token).ConfigureAwait(false);
        }
        finally
        {
            _conn.EndWriterCall(link);
        }
        _count = 0;
        _opcode = Opcode.Continuation;
    }

    private async ValueTask SendCompressedAsync(bool fin, CancellationToken token)
    {
        try
        {
            _deflater ??= _conn.AcquireDeflater();
            _compressed ??= ArrayPool<byte>.Shared.Rent(Conn.HeaderRoom + MessageDeflater.GetMaxCompressedLength(_buffer!.Length) + PerMessageDeflate.Tail.Length);
            int n = _deflater.CompressPart(_buffer.AsSpan(Conn.HeaderRoom, _count), _compressed.AsSpan(Conn.HeaderRoom), fin);
            _finished = fin;
            await _conn.SendBufferedFrameAsync(_compressed, n, _opcode, fin, token, rsv1: _opcode != Opcode.Continuation).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _conn.NoteCompressedWriteFailure(e);
            throw;
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Synchronous writes block on the asynchronous path; prefer WriteAsync.
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override void Flush() { }

    /// <summary>Ends the message: sends the final frame and gives the writer back to the connection.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (_done) return;
        _done = true;
        try
        {
            if (_text && !_utf8.IsComplete)
            {
                var e = new ArgumentException("websocket: the text message ends inside a UTF-8 character; it was not finished.");
                // Frames already sent leave a message open on the wire that nothing may follow.
                if (_opcode == Opcode.Continuation) _conn.FailWrites(e);
                throw e;
            }
            await SendAsync(fin: true, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            if (_mayCompress) ArrayPool<byte>.Shared.Return(_buffer!);
            else _conn.ReturnWriteBuffer(_buffer!);
            _buffer = null;
            if (_deflater is not null)
            {
                // A pooled context left mid-message (a failed send) must not carry that message to its next user.
                if (!_finished && !_deflater.ContextTakeover) _deflater.Reset();
                _conn.ReleaseDeflater(_deflater);
            }
            if (_compressed is not null) ArrayPool<byte>.Shared.Return(_compressed);
            _conn.ExitWrite();
        }
        GC.SuppressFinalize(this);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
