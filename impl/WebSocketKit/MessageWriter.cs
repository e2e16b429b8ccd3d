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
/// With permessage-deflate the buffers are larger (<see cref="CompressedChunk"/> bytes): written
/// bytes stream through the deflater, and its output goes out as a frame each time the output
/// buffer fills and at the end of the message (RSV1 on the first frame only), so a message of any
/// size streams in bounded memory as one deflate stream. A message that ends before its first
/// input buffer fills is compressed only if it reaches the threshold.
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
    private int _busy;
    // Compression: allowed for this message, decided at the first frame, and its context and output.
    private const int CompressedChunk = 32 * 1024;
    private readonly bool _mayCompress;
    private bool? _compressing;
    private MessageDeflater? _deflater;
    private byte[]? _compressed;
    private int _compressedCount;
    private bool _finished;
    // The deflater wants this much output room per call.
    private const int MinCompressOutput = 16;

    public MessageWriter(Conn conn, Opcode opcode)
    {
        _conn = conn;
        _opcode = opcode;
        _text = opcode == Opcode.Text;
        _mayCompress = conn.Sender.CompressesStreams;
        _buffer = _mayCompress ? ArrayPool<byte>.Shared.Rent(Conn.HeaderRoom + CompressedChunk) : conn.RentWriteBuffer();
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !_done;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        Enter();
        try
        {
            await WriteCoreAsync(data, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    // One call at a time: a second write (or the end of the message) while one is under way would
    // interleave their bytes, or send the final frame in the middle of the message.
    private void Enter()
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0)
            throw new InvalidOperationException("websocket: concurrent use of a message writer. Await each write (and the last one before disposing); nothing of this call was sent.");
    }

    private async ValueTask WriteCoreAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
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
            if (_mayCompress && _compressing is null) _compressing = !fin || _count >= _conn.Sender.CompressionThreshold;
            if (_compressing == true) await CompressAsync(fin, token).ConfigureAwait(false);
            else
            {
                await _conn.SendBufferedFrameAsync(_buffer!, _count, _opcode, fin, token).ConfigureAwait(false);
                _opcode = Opcode.Continuation;
            }
        }
        finally
        {
            _conn.EndWriterCall(link);
        }
        _count = 0;
    }

    // Streams the buffered bytes through the deflater. Compressed output collects in its own buffer
    // and goes out as a frame whenever that fills, and at the end of the message.
    private async ValueTask CompressAsync(bool fin, CancellationToken token)
    {
        try
        {
            _deflater ??= _conn.Sender.AcquireDeflater();
            _compressed ??= ArrayPool<byte>.Shared.Rent(Conn.HeaderRoom + CompressedChunk);
            var input = _buffer.AsMemory(Conn.HeaderRoom, _count);
            while (true)
            {
                if (_compressed.Length - Conn.HeaderRoom - _compressedCount < MinCompressOutput)
                    await SendCompressedFrameAsync(fin: false, token).ConfigureAwait(false);
                var status = _deflater.Compress(input.Span, _compressed.AsSpan(Conn.HeaderRoom + _compressedCount), fin, out int consumed, out int written);
                input = input[consumed..];
                _compressedCount += written;
                if (status == OperationStatus.Done) break;
                await SendCompressedFrameAsync(fin: false, token).ConfigureAwait(false);
            }
            if (!fin) return;
            _finished = true;
            await SendCompressedFrameAsync(fin: true, token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _conn.NoteCompressedWriteFailure(e);
            throw;
        }
    }

    private async ValueTask SendCompressedFrameAsync(bool fin, CancellationToken token)
    {
        await _conn.SendBufferedFrameAsync(_compressed!, _compressedCount, _opcode, fin, token, rsv1: _opcode != Opcode.Continuation).ConfigureAwait(false);
        _compressedCount = 0;
        _opcode = Opcode.Continuation;
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
        Enter();
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
                _conn.Sender.ReleaseDeflater(_deflater);
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
