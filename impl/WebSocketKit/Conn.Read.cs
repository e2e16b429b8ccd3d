using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using WebSocketKit.Protocol;

namespace WebSocketKit;

public sealed partial class Conn
{
    // Payload reads at least this large go straight from the socket into the caller's memory
    // (and are unmasked there) instead of through the read buffer.
    private const int DirectReadMinimum = 1024;

    private int DirectReadThreshold => Math.Max(DirectReadMinimum, _options.ReadBufferSize);

    // Null while idle when ConnectionOptions.ReleaseReadBufferWhenIdle is set.
    private byte[]? _readBuf;
    private bool _readBufRented;
    private int _readPos;
    private int _readEnd;
    // The protocol state of the receiving side (frames, limit, UTF-8, control frames, inflation).
    private readonly MessageReceiver _receiver;
    // Where the reader is: a data message open since its start, done once its last byte was handed out.
    private bool _messageOpen;
    private bool _messageDone;
    private int _readGeneration;
    private int _readBusy;
    private Exception? _readFailure;
    private Deadline? _readDeadline;
    private CancellationToken _readCallerToken;
    private volatile bool _peerClosed;
    private TaskCompletionSource? _peerClosedSignal;
    private Func<ReadOnlyMemory<byte>, ValueTask>? _pingHandler;
    private Func<ReadOnlyMemory<byte>, ValueTask>? _pongHandler;
    private Func<int, string, ValueTask>? _closeHandler;

    /// <summary>
    /// Sets the largest message the connection accepts, in bytes; see
    /// <see cref="ConnectionOptions.ReadLimit"/>. Applies from the next frame header, and to a
    /// compressed message being read from its next inflated byte.
    /// </summary>
    public void SetReadLimit(long limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        _receiver.ReadLimit = limit == 0 ? long.MaxValue : limit;
    }

    /// <summary>
    /// Sets the time after which pending and future reads fail with <see cref="TimeoutException"/>
    /// (null: no deadline). As in gorilla, a read that times out leaves the stream mid-frame, so the
    /// read side is failed afterwards; to wait for messages with a timeout and go on, use a
    /// cancellation token on a connection you then close.
    /// </summary>
    public void SetReadDeadline(DateTimeOffset? deadline) => (_readDeadline ??= new Deadline()).At = deadline;

    /// <summary>
    /// Sets the handler for Ping frames; null restores the default, which answers with a Pong
    /// carrying the same payload (RFC 6455 section 5.5.2). The payload memory is valid only during
    /// the call. Handlers run inside the read calls, on the reading task.
    /// </summary>
    public void SetPingHandler(Func<ReadOnlyMemory<byte>, ValueTask>? handler) => _pingHandler = handler;

    /// <summary>Sets the handler for Pong frames; null restores the default, which does nothing.</summary>
    public void SetPongHandler(Func<ReadOnlyMemory<byte>, ValueTask>? handler) => _pongHandler = handler;

    /// <summary>
    /// Sets the handler for the peer's Close frame, called with its code and reason before the read
    /// throws <see cref="CloseException"/>. Null restores the default, which answers with a Close
    /// frame carrying the same code (completing the closing handshake, section 5.5.1).
    /// </summary>
    public void SetCloseHandler(Func<int, string, ValueTask>? handler) => _closeHandler = handler;

    /// <summary>
    /// Reads the next whole data message into a new array (gorilla's <c>ReadMessage</c>). For no
    /// allocation per message, use the overload that takes an <see cref="IBufferWriter{T}"/>.
    /// </summary>
    public async ValueTask<(MessageType Type, byte[] Data)> ReadMessageAsync(CancellationToken cancellationToken = default)
    {
        var buffer = new ArrayPoolBufferWriter();
        try
        {
            var type = await ReadMessageAsync(buffer, cancellationToken).ConfigureAwait(false);
            return (type, buffer.WrittenSpan.ToArray());
        }
        finally
        {
            buffer.Dispose();
        }
    }

    /// <summary>
    /// Reads the next whole data message, appending its payload to <paramref name="destination"/>,
    /// and returns its type. Control frames that arrive first are handled on the way. With a reused
    /// destination (e.g. <see cref="ArrayBufferWriter{T}"/> after <c>ResetWrittenCount</c>) this
    /// allocates nothing per message.
    /// </summary>
    public ValueTask<MessageType> ReadMessageAsync(IBufferWriter<byte> destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        EnterRead();
        bool taken = false;
        MessageType type = default;
        try
        {
            taken = !cancellationToken.IsCancellationRequested && TryReadBufferedMessage(destination, out type);
        }
        catch
        {
            Volatile.Write(ref _readBusy, 0);
            throw;
        }
        if (taken)
        {
            Volatile.Write(ref _readBusy, 0);
            return new ValueTask<MessageType>(type);
        }
        return ReadWholeMessageAsync(destination, cancellationToken);
    }

    // The general read of a whole message; the caller has entered the read side.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<MessageType> ReadWholeMessageAsync(IBufferWriter<byte> destination, CancellationToken cancellationToken)
    {
        var token = BeginRead(cancellationToken, out var link);
        try
        {
            // Between messages, with nothing buffered, an idle connection waits here, in this one
            // frame: the chain below (message, pump, buffer, receive) is then only entered once bytes
            // are there, so a waiting connection holds two small state machines instead of five.
            if (_readPos == _readEnd && !(_messageOpen && !_messageDone))
            {
                // As in ReadBufferAsync: after a read that filled the buffer more bytes are surely waiting, so no wait.
                if (_options.ReleaseReadBufferWhenIdle && !(_lastReadFilled && _readBuf is not null))
                {
                    ReleaseReadBuffer();
                    await ReceiveAsync(Memory<byte>.Empty, token).ConfigureAwait(false);
                    RentReadBuffer();
                }
                // One read, and a message that arrived whole (a small one usually does) is taken from the buffer
                // here, without the general path's chain of calls below; anything else is left to that path.
                _readPos = _readEnd = 0;
                _readEnd = await ReceiveAsync(_readBuf!, token).ConfigureAwait(false);
                if (TryReadBufferedMessage(destination, out var type)) return type;
            }
            await OpenNextMessageAsync(token).ConfigureAwait(false);
            while (true)
            {
                long room = _receiver.ReadLimit - _receiver.MessageLength;
                if (room <= 0)
                {
                    // At the limit: the message must end here, or it fails; no need to grow for that.
                    if (!await PumpAtLimitAsync(destination, token).ConfigureAwait(false)) return _receiver.MessageType;
                    continue;
                }
                // In the final frame the rest of the message is known, and no more room than that is asked for: a guess
                // from what has arrived could double a buffer the message will not fill. When every byte is in (a
                // message that exactly filled the buffer) only its end is left, which needs no room at all.
                long? rest = _receiver.FinalPayloadRemaining;
                if (rest == 0)
                {
                    await PumpAsync(Memory<byte>.Empty, token).ConfigureAwait(false);
                    _lastPlainMessageLength = _receiver.MessageLength;
                    return _receiver.MessageType;
                }
                // The rest of a final frame may be asked for at once up to the length of the last uncompressed message
                // (its bytes did arrive): same-sized messages then land in one buffer, read straight from the socket,
                // instead of a buffer doubled from 256 bytes, copied at each step, and filled by as many reads.
                int hint = rest is long left
                    ? (int)Math.Max(GrowthHint(Math.Min(room, left)), Math.Min(left, Math.Min(_lastPlainMessageLength, ArrayPoolBufferWriter.LargestPooled)))
                    : GrowthHint(room);
                var memory = destination is ArrayPoolBufferWriter pooled
                    ? pooled.GetMemory(hint, pooled.WrittenCount + room)
                    : destination.GetMemory(hint);
                bool plain = !_receiver.MessageCompressed;
                int n = await PumpAsync(memory, token).ConfigureAwait(false);
                if (n == 0)
                {
                    if (plain) _lastPlainMessageLength = _receiver.MessageLength;
                    return _receiver.MessageType;
                }
                destination.Advance(n);
            }
        }
        finally
        {
            EndRead(link);
        }
    }

    /// <summary>
    /// Waits for the next data message and returns its type and a stream over its payload, which
    /// ends (reads return 0) at the end of the message (gorilla's <c>NextReader</c>). Any unread rest
    /// of the previous message is skipped; the previous stream then throws if read again.
    /// </summary>
    public async ValueTask<(MessageType Type, Stream Reader)> NextReaderAsync(CancellationToken cancellationToken = default)
    {
        EnterRead();
        var token = BeginRead(cancellationToken, out var link);
        try
        {
            await OpenNextMessageAsync(token).ConfigureAwait(false);
            return (_receiver.MessageType, new MessageReader(this, _readGeneration));
        }
        finally
        {
            EndRead(link);
        }
    }

    // MessageReader.ReadAsync lands here.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<int> ReadFromMessageAsync(int generation, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (buffer.IsEmpty) return 0;
        EnterRead();
        var token = BeginRead(cancellationToken, out var link);
        try
        {
            if (generation != _readGeneration)
                throw new InvalidOperationException("websocket: this message reader is stale; a later NextReaderAsync moved on to another message.");
            return await PumpAsync(buffer, token).ConfigureAwait(false);
        }
        finally
        {
            EndRead(link);
        }
    }

    private void EnterRead()
    {
        if (Interlocked.Exchange(ref _readBusy, 1) != 0)
            throw new InvalidOperationException("websocket: concurrent read. A connection supports one reader at a time; read from a single task.");
        if (_readFailure is { } failure)
        {
            Volatile.Write(ref _readBusy, 0);
            throw new ConnectionClosedException($"websocket: cannot read, the connection has already ended: {failure.Message}", failure);
        }
    }

    private bool TryEnterRead() => Interlocked.Exchange(ref _readBusy, 1) == 0;

    private CancellationToken BeginRead(CancellationToken user, out CancellationTokenRegistration link)
    {
        _readCallerToken = user;
        return Deadline.Begin(_readDeadline, user, out link);
    }

    private void EndRead(CancellationTokenRegistration link)
    {
        _readDeadline?.End(link);
        Volatile.Write(ref _readBusy, 0);
    }

    // Skips what is left of the current message, then reads until the next one starts.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask OpenNextMessageAsync(CancellationToken token)
    {
        if (_messageOpen && !_messageDone)
        {
            var scratch = ArrayPool<byte>.Shared.Rent(4096);
            try
            {
                while (await PumpAsync(scratch, token).ConfigureAwait(false) != 0) { }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
        _messageOpen = false;
        _readGeneration++;
        await PumpAsync(default, token).ConfigureAwait(false);
    }

    // The fast path for the common case: a whole one-frame data message already in the read buffer is
    // taken without going async; anything else is left untouched for the general path.
    private bool TryReadBufferedMessage(IBufferWriter<byte> destination, out MessageType type)
    {
        type = default;
        if (_messageOpen && !_messageDone || _readBuf is null) return false;
        if (!_receiver.TryReceiveWholeMessage(_readBuf.AsSpan(_readPos, _readEnd - _readPos), destination, out int used, out type)) return false;
        _readPos += used;
        _messageOpen = _messageDone = true;
        _readGeneration++;
        return true;
    }

    // The length of the last uncompressed message read whole by ReadMessageAsync (0 before one): how much the peer has
    // shown it sends. Compressed messages do not count: their inflated length is not what arrived.
    private long _lastPlainMessageLength;

    // How much room to ask of the caller's buffer writer for the next piece of a message. It grows
    // with the bytes that have actually arrived (those buffered, and the message so far), never with
    // the length a header declares: a 14-byte header claiming 32 MiB reserves nothing much.
    private int GrowthHint(long room)
    {
        long arrived = Math.Max(_readEnd - _readPos, _receiver.MessageLength);
        return (int)Math.Min(room, Math.Clamp(arrived, 256, 1 << 20));
    }

    // The message has all the bytes the limit allows: read on until it ends (false), or fails for
    // going past the limit, through a small probe instead of room asked of the caller's buffer.
    // Only a limit lowered in the middle of a frame lets bytes through (true): they are passed on.
    private async ValueTask<bool> PumpAtLimitAsync(IBufferWriter<byte> destination, CancellationToken token)
    {
        var probe = ArrayPool<byte>.Shared.Rent(16);
        try
        {
            int n = await PumpAsync(probe, token).ConfigureAwait(false);
            if (n == 0) return false;
            probe.AsSpan(0, n).CopyTo(destination.GetSpan(n));
            destination.Advance(n);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(probe);
        }
    }

    // The read loop. With no message open it runs until a data message starts and returns 0.
    // With one open it returns the next payload bytes put in dest, or 0 once the message is done.
    // The protocol is the receiver's; this only feeds it bytes and acts on its events.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> PumpAsync(Memory<byte> dest, CancellationToken token)
    {
        while (true)
        {
            if (_messageOpen && _messageDone) return 0;
            var input = _readBuf.AsSpan(_readPos, _readEnd - _readPos); // empty when the buffer is released
            var ev = _receiver.Receive(input, dest.Span, out int used, out int written);
            _readPos += used;
            if (ev == ReceiveEvent.NeedMoreData)
            {
                // Straight into the caller's memory only when the rest of the payload is at least a
                // read buffer's worth: a shorter rest is better fetched with the frames behind it in
                // one buffered read than by one system call for the rest and another for the next header.
                int direct = _receiver.DirectPayloadLength;
                if (direct >= DirectReadThreshold && dest.Length >= DirectReadMinimum)
                {
                    int got = await ReceiveAsync(dest[..Math.Min(dest.Length, direct)], token).ConfigureAwait(false);
                    ev = _receiver.Receive(dest.Span[..got], dest.Span, out used, out written);
                    Debug.Assert(used == got);
                }
                else
                {
                    _readPos = _readEnd = 0;
                    _readEnd = await ReceiveAsync(await ReadBufferAsync(token).ConfigureAwait(false), token).ConfigureAwait(false);
                    continue;
                }
            }
            switch (ev)
            {
                case ReceiveEvent.Data:
                    return written;
                case ReceiveEvent.MessageStart:
                    _messageOpen = true;
                    _messageDone = false;
                    return 0;
                case ReceiveEvent.MessageEnd:
                    _messageDone = true;
                    return 0;
                case ReceiveEvent.NeedMoreData:
                    continue;
                case ReceiveEvent.Error:
                    throw await FailProtocolAsync(_receiver.Error).ConfigureAwait(false);
                default:
                    await HandleControlAsync(ev).ConfigureAwait(false);
                    continue;
            }
        }
    }

    // The buffer for the next read. With ReleaseReadBufferWhenIdle the connection first waits for
    // data with a zero-byte read, holding no buffer, and rents one only once bytes are there.
    // Pooled state machine: this wait is on every idle-to-busy step, so it must not allocate.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<byte[]> ReadBufferAsync(CancellationToken token)
    {
        if (!_options.ReleaseReadBufferWhenIdle) return _readBuf!;
        // The last read filled the buffer: the peer is sending faster than we read (pipelining), so more bytes
        // are almost surely waiting, and the buffer is kept and filled again without the zero-byte wait, which
        // would cost a second system call per read.
        if (_lastReadFilled && _readBuf is not null) return _readBuf;
        ReleaseReadBuffer();
        await ReceiveAsync(Memory<byte>.Empty, token).ConfigureAwait(false);
        return RentReadBuffer();
    }

    // Bytes are there (a zero-byte read said so): the buffer to read them into.
    private byte[] RentReadBuffer()
    {
        _readBufRented = true;
        return _readBuf = ArrayPool<byte>.Shared.Rent(_options.ReadBufferSize);
    }

    private void ReleaseReadBuffer()
    {
        if (_readBuf is not null && _readBufRented) ArrayPool<byte>.Shared.Return(_readBuf);
        _readBuf = null;
    }

    // One read from the stream. End of stream and I/O errors become a 1006 CloseException; a
    // deadline becomes a TimeoutException; either way the read side is failed from then on.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken token)
    {
        int n = 0;
        await BeforeNetworkReadAsync().ConfigureAwait(false);
        try
        {
            n = await _stream.ReadAsync(buffer, token).ConfigureAwait(false);
            NoteReceived();
        }
        catch (OperationCanceledException e) when (_readDeadline?.At is not null && !_readCallerToken.IsCancellationRequested)
        {
            throw ReadFailed(new TimeoutException("websocket: read deadline exceeded", e));
        }
        catch (OperationCanceledException e)
        {
            throw ReadFailed(e);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            throw ReadFailed(_readFailure is ConnectionClosedException local ? local : new CloseException(CloseStatus.AbnormalClosure, e.Message, e));
        }
        finally
        {
            AfterNetworkRead(n, buffer.Length);
        }
        if (n == 0 && !buffer.IsEmpty)
            throw ReadFailed(new CloseException(CloseStatus.AbnormalClosure, "unexpected end of stream"));
        return n;
    }

    private Exception ReadFailed(Exception e)
    {
        Interlocked.CompareExchange(ref _readFailure, e, null);
        SignalPeerClosedOrFailed();
        if (e is not ConnectionClosedException)
            _logger.LogDebug("websocket read failed: {Message}", e.Message);
        return e;
    }

    // The peer broke the protocol: tell it why with a Close frame, close, and fail the read side.
    private async ValueTask<Exception> FailProtocolAsync(ProtocolError error)
    {
        var e = new WebSocketProtocolException(error);
        ReadFailed(e);
        _logger.LogInformation("websocket protocol error from {Peer}: {Error}; closing with {Code}",
            RemoteEndPoint, ProtocolErrors.Describe(error), e.CloseCode);
        await TryWriteCloseAsync(e.CloseCode, ProtocolErrors.Describe(error)).ConfigureAwait(false);
        Abort();
        return e;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask HandleControlAsync(ReceiveEvent ev)
    {
        var payload = _receiver.ControlPayload;
        switch (ev)
        {
            case ReceiveEvent.Ping:
                if (_pingHandler is { } ping) await ping(payload).ConfigureAwait(false);
                else await TryWriteControlAsync(MessageType.Pong, payload).ConfigureAwait(false);
                break;
            case ReceiveEvent.Pong:
                if (_pongHandler is { } pong) await pong(payload).ConfigureAwait(false);
                break;
            case ReceiveEvent.Close:
                int code = _receiver.CloseCode;
                string reason = CloseMessages.DecodeReason(_receiver.CloseReason);
                var closed = new CloseException(code, reason);
                _peerClosed = true;
                ReadFailed(closed);
                if (_closeHandler is { } onClose) await onClose(code, reason).ConfigureAwait(false);
                else await TryWriteCloseAsync(code, "").ConfigureAwait(false);
                throw closed;
        }
    }

    private void SignalPeerClosedOrFailed() => Volatile.Read(ref _peerClosedSignal)?.TrySetResult();

    // Completes when the peer's Close frame has been read or the read side has failed.
    private Task PeerClosedOrFailed()
    {
        var tcs = Volatile.Read(ref _peerClosedSignal);
        if (tcs is null)
        {
            Interlocked.CompareExchange(ref _peerClosedSignal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);
            tcs = _peerClosedSignal!;
        }
        if (Volatile.Read(ref _readFailure) is not null) tcs.TrySetResult();
        return tcs.Task;
    }
}
