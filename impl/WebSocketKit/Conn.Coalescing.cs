using System.Runtime.CompilerServices;
using WebSocketKit.Protocol;

namespace WebSocketKit;

// Write coalescing: the answers to pipelined messages leave in one system call instead of one each.
public sealed partial class Conn
{
    // Whole frames kept by WriteMessageDeferredAsync, in order, waiting to go out together. Only touched
    // while holding _wire; anything that takes the wire to write sends them first.
    private byte[]? _kept;
    private int _keptCount;
    // 1 from just before a read of the network until it returns: a writer that kept a frame then sends it itself.
    private int _readerWaiting;
    // The deadline of a send of kept frames that no write call makes (FlushAsync, a read's); used only under _wire.
    private Deadline? _flushDeadline;
    // The socket when the stream is a plain NetworkStream: its waiting bytes count as input already here.
    private readonly System.Net.Sockets.Socket? _plainSocket;

    /// <summary>
    /// Sends one whole message as <see cref="WriteMessageAsync"/> does, but may keep it in the write buffer to leave
    /// with the messages written after it in one system call. Only a small message is kept (uncompressed, fitting
    /// the write buffer), and only while the connection holds input it has received and not yet returned: the
    /// answers to pipelined requests are then sent together, and an answer to a lone request goes out at once. Kept
    /// messages go out, in order, at the latest with the next <see cref="WriteMessageAsync"/> (in the same system
    /// call when it is small) or any other write, a control frame, <see cref="FlushAsync"/> or
    /// <see cref="CloseAsync"/>; when the buffer is full; and before a read of this connection waits for the network.
    /// So a loop that reads and answers (an echo, a request/response protocol) can use it for every answer: it never
    /// leaves an answer unsent while it waits for the next request. A program that stops reading after it must call
    /// <see cref="FlushAsync"/>.
    /// <para>
    /// Errors and deadlines: a kept message goes out under the write deadline and write timeout in force when it is
    /// sent. If that send fails, the write side fails for good, as after any failed write: the call that was sending
    /// it throws (a later write, a control frame, <see cref="FlushAsync"/>), or, when it was a read, that read throws
    /// <see cref="ConnectionClosedException"/> naming the write failure. A read that sends kept messages waits for
    /// that send (bounded as above) before it waits for input. <see cref="Abort"/> discards what is kept, as it
    /// discards what the socket has not yet sent.
    /// </para>
    /// </summary>
    public ValueTask WriteMessageDeferredAsync(MessageType type, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        => CanKeep(type, data.Length) ? WriteKeptAsync(type, data, flush: false, cancellationToken) : WriteMessageAsync(type, data, cancellationToken);

    private bool CanKeep(MessageType type, int length)
        => type is MessageType.Text or MessageType.Binary && length <= _writeBufferSize - HeaderRoom && !_sender.ShouldCompress(length);

    /// <summary>
    /// Sends the messages that <see cref="WriteMessageDeferredAsync"/> kept, if any. Safe to call at any time, like a control frame: it waits for a frame being written to finish.
    /// Bounded by the write deadline and the write timeout; a failure fails the write side.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfWriteFailed();
        if (Volatile.Read(ref _keptCount) == 0) return;
        await _wire.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfWriteFailed();
            await SendKeptUnderFlushDeadlineAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _wire.Release();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteKeptAsync(MessageType type, ReadOnlyMemory<byte> data, bool flush, CancellationToken cancellationToken)
    {
        ThrowIfInvalidText(type, data.Span);
        EnterWrite();
        var token = BeginWrite(cancellationToken, out var link);
        try
        {
            await AcquireWireAsync(token, sendKept: false).ConfigureAwait(false);
            try
            {
                int size = FrameHeader.SizeFor(data.Length, _sender.Masks) + data.Length;
                if (_kept is not null && _keptCount + size > _kept.Length) await SendKeptAsync(token).ConfigureAwait(false);
                var buffer = _kept ??= StagePool.Rent(_writeBufferSize);
                int at = _keptCount;
                int header = _sender.WriteHeader(buffer.AsSpan(at), (Opcode)type, fin: true, data.Length, out uint key);
                if (_sender.Masks) Masking.Apply(data.Span, buffer.AsSpan(at + header, data.Length), key, 0);
                else data.Span.CopyTo(buffer.AsSpan(at + header));
                _keptCount = at + size;
                // Kept only while received input waits to be read: the read that returns it comes first, and a read
                // that has to wait for the network sends what is kept.
                if (flush || !HasUnreadInput) await SendKeptAsync(token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not ConnectionClosedException)
            {
                throw WriteFailed(e);
            }
            finally
            {
                _wire.Release();
            }
            // A read that started waiting while we held the wire could not send what we kept: we do.
            if (Interlocked.CompareExchange(ref _readerWaiting, 0, 0) != 0 && Volatile.Read(ref _keptCount) != 0)
                await SendKeptIfWireFreeAsync(cancellationToken, throwOnFailure: true).ConfigureAwait(false);
        }
        finally
        {
            EndWrite(link);
        }
    }

    // Received bytes the reader has not consumed yet (the next message, or part of it, is already here): in our
    // read buffer, or, over a plain socket, in the socket's receive queue, which the next read returns at once.
    // The second keeps the answers together when the peer's messages arrive a few at a time.
    // The socket is asked (a system call) only when the last read filled its buffer, the sign of a peer sending
    // faster than we read; after a short read, as in request/response traffic, it would be a wasted call.
    private bool HasUnreadInput => Volatile.Read(ref _readPos) < Volatile.Read(ref _readEnd) || SocketHasInput;

    // The last read from the network filled the buffer it was given.
    private volatile bool _lastReadFilled;

    // After a read that filled its buffer, whether the plain socket holds more bytes.
    private bool SocketHasInput
    {
        get
        {
            try { return _lastReadFilled && _plainSocket is { } s && s.Available > 0; }
            catch (Exception e) when (e is ObjectDisposedException or System.Net.Sockets.SocketException) { return false; }
        }
    }

    // Called by a read before it goes to the network: kept frames must not wait for an answer to themselves. A
    // read that will not wait (the socket already holds bytes) leaves them to the next write or the next read.
    private ValueTask BeforeNetworkReadAsync()
    {
        Interlocked.Exchange(ref _readerWaiting, 1);
        return Volatile.Read(ref _keptCount) == 0 || SocketHasInput ? ValueTask.CompletedTask : SendKeptIfWireFreeAsync(default, throwOnFailure: false);
    }

    private void AfterNetworkRead(int read, int asked)
    {
        _lastReadFilled = read == asked && asked > 0;
        Volatile.Write(ref _readerWaiting, 0);
    }

    // Sends the kept frames if the wire is free. If it is not, whoever holds it sends them: a writer taking the wire
    // sends kept frames first, and the writer that kept them looks at _readerWaiting after letting go.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendKeptIfWireFreeAsync(CancellationToken cancellationToken, bool throwOnFailure)
    {
        if (!_wire.Wait(0)) return;
        try
        {
            if (_writeFailure is not null) return;
            await SendKeptUnderFlushDeadlineAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!throwOnFailure)
        {
            // A read sending them: the write side has failed and the connection is closed, so the read that follows
            // fails with the ConnectionClosedException that names this failure.
        }
        finally
        {
            _wire.Release();
        }
    }

    // Under _wire, outside any write call: the write deadline and write timeout bound the send.
    private async ValueTask SendKeptUnderFlushDeadlineAsync(CancellationToken cancellationToken)
    {
        if (_keptCount == 0) return;
        var deadline = _flushDeadline ??= NewWriteDeadline();
        deadline.At = _writeDeadline?.At;
        var token = deadline.Begin(cancellationToken, out var link);
        try
        {
            await SendKeptAsync(token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not ConnectionClosedException)
        {
            throw WriteFailed(e);
        }
        finally
        {
            deadline.End(link);
        }
    }

    // Under _wire: writes the kept frames in one call and gives their buffer back.
    private async ValueTask SendKeptAsync(CancellationToken token)
    {
        var buffer = _kept;
        int count = _keptCount;
        if (buffer is null || count == 0) return;
        _kept = null;
        _keptCount = 0;
        try
        {
            await _stream.WriteAsync(buffer.AsMemory(0, count), token).ConfigureAwait(false);
            await _stream.FlushAsync(token).ConfigureAwait(false);
        }
        finally
        {
            StagePool.Return(buffer);
        }
    }
}
