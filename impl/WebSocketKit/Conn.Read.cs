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
    private FrameDecoder _decoder;
    private Utf8Validator _utf8;
    private readonly byte[] _controlIn = new byte[FrameHeader.MaxControlPayload];
    private int _controlLen;
    private bool _inControl;
    // The data message being read: open from its first frame header, done after its last byte.
    private bool _messageOpen;
    private bool _messageDone;
    private MessageType _messageType;
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
    public void SetReadLimit(long limit) => ApplyReadLimit(limit);

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
            await OpenNextMessageAsync(token).ConfigureAwait(false);
            while (true)
            {
                int hint = (int)Math.Clamp(_decoder.PayloadRemaining, 256, 1 << 20);
                int n = await PumpAsync(destination.GetMemory(hint), token).ConfigureAwait(false);
                if (n == 0) return _messageType;
                destination.Advance(n);
            }
        }
        finally
        {
            EndRead(link);
        }
    }

    // The fast path for the common case: a whole one-frame data message already in the read buffer is
    // decoded, unmasked and checked without going async. It works on a copy of the decoder and commits
    // nothing unless it takes the whole message; anything else (a control frame first, a fragment,
    // compression, a frame not all here, a protocol error, invalid UTF-8) leaves every piece of state
    // as it was for the general path, which also answers errors with the right close code.
    private bool TryReadBufferedMessage(IBufferWriter<byte> destination, out MessageType type)
    {
        type = default;
        if (_compression is not null || _inControl || (_messageOpen && !_messageDone) || _readBuf is null) return false;
        var input = _readBuf.AsSpan(_readPos, _readEnd - _readPos);
        if (input.Length < 2) return false;
        var decoder = _decoder;
        if (decoder.Decode(input, default, out int used, out _) != FrameEvent.Header) return false;
        var header = decoder.Header;
        if (!header.Fin || header.IsControl || header.Opcode == Opcode.Continuation || header.PayloadLength > input.Length - used) return false;
        int length = (int)header.PayloadLength;
        var payload = length == 0 ? default : destination.GetSpan(length)[..length];
        if (length > 0)
        {
            if (decoder.Decode(input[used..], payload, out int consumed, out int written) != FrameEvent.Payload || written != length) return false;
            used += consumed;
        }
        if (decoder.Decode(input[used..], default, out int endUsed, out _) != FrameEvent.FrameEnd) return false;
        used += endUsed;
        if (header.Opcode == Opcode.Text && !Utf8Validator.IsValid(payload)) return false;
        _decoder = decoder;
        _readPos += used;
        _messageOpen = _messageDone = true;
        _messageType = type = (MessageType)header.Opcode;
        _readGeneration++;
        if (length > 0) destination.Advance(length);
        return true;
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
            return (_messageType, new MessageReader(this, _readGeneration));
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

    // The read loop. With no message open it runs until a data message starts and returns 0.
    // With one open it returns the next payload bytes put in dest, or 0 once the message is done.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> PumpAsync(Memory<byte> dest, CancellationToken token)
    {
        while (true)
        {
            if (_messageOpen && _messageDone) return 0;
            if (_inflating)
            {
                int produced = InflateStep(dest.Span, out var inflateError);
                if (inflateError != ProtocolError.None) throw await FailProtocolAsync(inflateError).ConfigureAwait(false);
                if (produced > 0) return await DeliverAsync(dest.Span[..produced]).ConfigureAwait(false);
                if (produced < 0)
                {
                    EndInflate();
                    if (_messageType == MessageType.Text && !_utf8.IsComplete)
                        throw await FailProtocolAsync(ProtocolError.InvalidUtf8).ConfigureAwait(false);
                    _messageDone = true;
                    return 0;
                }
            }
            // Compressed payload goes to the inflater's input, plain payload to the caller.
            var target = _inflating ? _inflateIn.AsMemory() : dest;
            var step = Step(target.Span, out int written);
            switch (step)
            {
                case FrameEvent.NeedMoreData:
                    // Straight into the caller's memory only when the rest of the payload is at least a
                    // read buffer's worth: a shorter rest is better fetched with the frames behind it in
                    // one buffered read than by one system call for the rest and another for the next header.
                    if (_messageOpen && !_inControl && _decoder.PayloadRemaining >= DirectReadThreshold && target.Length >= DirectReadMinimum)
                    {
                        int want = (int)Math.Min(target.Length, _decoder.PayloadRemaining);
                        int got = await ReceiveAsync(target[..want], token).ConfigureAwait(false);
                        var ev = _decoder.Decode(target.Span[..got], target.Span, out _, out int unmasked);
                        Debug.Assert(ev == FrameEvent.Payload && unmasked == got);
                        if (_inflating)
                        {
                            InflateInputArrived(unmasked);
                            continue;
                        }
                        return await DeliverAsync(dest.Span[..unmasked]).ConfigureAwait(false);
                    }
                    _readPos = _readEnd = 0;
                    _readEnd = await ReceiveAsync(await ReadBufferAsync(token).ConfigureAwait(false), token).ConfigureAwait(false);
                    continue;
                case FrameEvent.Header:
                    var h = _decoder.Header;
                    if (h.IsControl)
                    {
                        _inControl = true;
                        _controlLen = 0;
                    }
                    else if (h.Opcode != Opcode.Continuation)
                    {
                        // A new data message; with RSV1 (permessage-deflate) its payload is inflated.
                        _messageOpen = true;
                        _messageDone = false;
                        _messageType = (MessageType)h.Opcode;
                        _utf8.Reset();
                        if (!BeginMessagePayload()) throw await FailProtocolAsync(ProtocolError.MessageTooBig).ConfigureAwait(false);
                        return 0;
                    }
                    else if (!CountPlainFrame())
                    {
                        throw await FailProtocolAsync(ProtocolError.MessageTooBig).ConfigureAwait(false);
                    }
                    continue;
                case FrameEvent.Payload:
                    if (_inControl)
                    {
                        _controlLen += written;
                        continue;
                    }
                    if (_inflating)
                    {
                        InflateInputArrived(written);
                        continue;
                    }
                    return await DeliverAsync(dest.Span[..written]).ConfigureAwait(false);
                case FrameEvent.FrameEnd:
                    if (_inControl)
                    {
                        _inControl = false;
                        await HandleControlAsync().ConfigureAwait(false);
                        continue;
                    }
                    if (_decoder.Header.Fin)
                    {
                        if (_inflating)
                        {
                            // The payload is all in; the inflater still has the tail to read.
                            _inflatePhase = InflatePhase.Finishing;
                            continue;
                        }
                        if (_messageType == MessageType.Text && !_utf8.IsComplete)
                            throw await FailProtocolAsync(ProtocolError.InvalidUtf8).ConfigureAwait(false);
                        _messageDone = true;
                        return 0;
                    }
                    continue;
                default:
                    throw await FailProtocolAsync(_decoder.Error).ConfigureAwait(false);
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
        if (_readBuf is not null && _readBufRented) ArrayPool<byte>.Shared.Return(_readBuf);
        _readBuf = null;
        await ReceiveAsync(Memory<byte>.Empty, token).ConfigureAwait(false);
        _readBufRented = true;
        return _readBuf = ArrayPool<byte>.Shared.Rent(_options.ReadBufferSize);
    }

    private FrameEvent Step(Span<byte> dest, out int written)
    {
        var input = _readBuf.AsSpan(_readPos, _readEnd - _readPos); // empty when the buffer is released
        var target = _inControl ? _controlIn.AsSpan(_controlLen) : dest;
        var ev = _decoder.Decode(input, target, out int consumed, out written);
        _readPos += consumed;
        return ev;
    }

    // Hands payload bytes to the caller, checking text as it streams (fail fast, RFC 6455 section 8.1).
    private ValueTask<int> DeliverAsync(ReadOnlySpan<byte> payload)
    {
        if (_messageType == MessageType.Text && !_utf8.Append(payload))
            return FailAsThrow(ProtocolError.InvalidUtf8);
        return ValueTask.FromResult(payload.Length);
    }

    private async ValueTask<int> FailAsThrow(ProtocolError error) => throw await FailProtocolAsync(error).ConfigureAwait(false);

    // One read from the stream. End of stream and I/O errors become a 1006 CloseException; a
    // deadline becomes a TimeoutException; either way the read side is failed from then on.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken token)
    {
        int n;
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
    private async ValueTask HandleControlAsync()
    {
        var payload = _controlIn.AsMemory(0, _controlLen);
        switch (_decoder.Header.Opcode)
        {
            case Opcode.Ping:
                if (_pingHandler is { } ping) await ping(payload).ConfigureAwait(false);
                else await TryWriteControlAsync(MessageType.Pong, payload).ConfigureAwait(false);
                break;
            case Opcode.Pong:
                if (_pongHandler is { } pong) await pong(payload).ConfigureAwait(false);
                break;
            case Opcode.Close:
                var error = ClosePayload.Parse(payload.Span, out ushort code, out var reasonBytes);
                if (error != ProtocolError.None) throw await FailProtocolAsync(error).ConfigureAwait(false);
                string reason = CloseMessages.DecodeReason(reasonBytes);
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
