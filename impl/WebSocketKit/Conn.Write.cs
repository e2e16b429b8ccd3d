using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Unicode;
using Microsoft.Extensions.Logging;
using WebSocketKit.Protocol;

namespace WebSocketKit;

public sealed partial class Conn
{
    // Room kept in front of buffered payload for the largest frame header, so header and payload
    // leave in one write.
    internal const int HeaderRoom = MessageSender.HeaderRoom;

    private readonly int _writeBufferSize;
    private byte[]? _ownWriteBuffer;
    // Serialises frames on the wire: a data frame and a control frame never interleave.
    private readonly SemaphoreSlim _wire = new(1, 1);
    private byte[]? _controlOut;
    private int _writeBusy;
    private Exception? _writeFailure;
    private Deadline? _writeDeadline;
    private CancellationToken _writeCallerToken;
    // The protocol state of the sending side (framing, masking, close sent, compression).
    private readonly MessageSender _sender;

    internal MessageSender Sender => _sender;

    /// <summary>
    /// The compression level a connection without negotiated parameters reports: 2, zlib's fastest
    /// level that still adapts its Huffman codes, which is what gorilla's default (1, Go's fastest)
    /// amounts to here (see <see cref="Protocol.Compression.PerMessageDeflateOptions.DefaultLevel"/>).
    /// A compressing connection starts at <see cref="Protocol.Compression.PerMessageDeflateParameters.Level"/>.
    /// </summary>
    public const int DefaultCompressionLevel = Protocol.Compression.PerMessageDeflateOptions.DefaultLevel;

    /// <summary>
    /// Sets the time after which pending and future writes fail with <see cref="TimeoutException"/>
    /// (null: no deadline). A write that times out may have sent part of a frame, so the write side
    /// is failed afterwards. Control frames have their own deadline.
    /// </summary>
    public void SetWriteDeadline(DateTimeOffset? deadline) => (_writeDeadline ??= NewWriteDeadline()).At = deadline;

    // Writes are bounded by the deadline the application sets and by the options' write timeout.
    private Deadline NewWriteDeadline()
        => new() { PerOperation = _options.WriteTimeout == Timeout.InfiniteTimeSpan ? null : _options.WriteTimeout };

    /// <summary>
    /// Turns compression of the messages written next on or off (default on). It has an effect only
    /// when permessage-deflate was negotiated (<see cref="Compression"/>); small or incompressible
    /// messages may be better sent plain. Messages shorter than the negotiated threshold are always
    /// sent plain.
    /// </summary>
    public void EnableWriteCompression(bool enable) => _sender.CompressionEnabled = enable;

    /// <summary>
    /// Sets the deflate level for the messages written next: -2 (Huffman only), -1 (default), 0
    /// (store), 1 (fastest) to 9 (smallest), as zlib numbers them; -2 runs at level 1, as our
    /// compressors have no Huffman-only mode. Effective when permessage-deflate is negotiated (see
    /// <see cref="EnableWriteCompression"/>); a compressing connection starts at the level of its
    /// <see cref="Protocol.Compression.PerMessageDeflateParameters.Level"/>.
    /// </summary>
    public void SetCompressionLevel(int level)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(level, -2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 9);
        _sender.CompressionLevel = level;
    }

    /// <summary>Whether the next messages would be compressed, were compression negotiated.</summary>
    public bool WriteCompressionEnabled => _sender.CompressionEnabled;

    /// <summary>The level set with <see cref="SetCompressionLevel"/>.</summary>
    public int CompressionLevel => _sender.CompressionLevel;

    /// <summary>
    /// Sends one whole message (gorilla's <c>WriteMessage</c>). Data messages go out as a single
    /// frame; a message that fits the write buffer leaves in one write call. Text must be valid UTF-8
    /// and is checked before anything is sent (gorilla leaves that to the application and lets a
    /// peer fail the connection for it). Close, Ping and Pong are sent as by
    /// <see cref="WriteControlAsync(MessageType, ReadOnlyMemory{byte}, TimeSpan, CancellationToken)"/>, with the write deadline or the close timeout.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteMessageAsync(MessageType type, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (IsControlType(type))
        {
            await WriteControlAsync(type, data, ControlDeadline(), cancellationToken).ConfigureAwait(false);
            return;
        }
        CheckDataType(type);
        // After messages kept by WriteMessageDeferredAsync a small one joins them, and all leave in one write.
        if (Volatile.Read(ref _keptCount) != 0 && CanKeep(type, data.Length))
        {
            await WriteKeptAsync(type, data, flush: true, cancellationToken).ConfigureAwait(false);
            return;
        }
        ThrowIfInvalidText(type, data.Span);
        EnterWrite();
        var token = BeginWrite(cancellationToken, out var link);
        try
        {
            if (_sender.ShouldCompress(data.Length)) await SendCompressedAsync((Opcode)type, data, token).ConfigureAwait(false);
            else await SendFrameAsync((Opcode)type, fin: true, data, token).ConfigureAwait(false);
        }
        finally
        {
            EndWrite(link);
        }
    }

    /// <summary>
    /// Starts a message and returns a stream that frames what is written (gorilla's
    /// <c>NextWriter</c>): each time the write buffer fills a frame goes out, and disposing the
    /// stream sends the final frame. The connection's single writer is taken until then. Text is
    /// checked as UTF-8 on each write: a write holding invalid UTF-8 throws and sends nothing.
    /// </summary>
    public Stream NextWriter(MessageType type)
    {
        CheckDataType(type);
        EnterWrite();
        return new MessageWriter(this, (Opcode)type);
    }

    /// <summary>
    /// Sends <paramref name="message"/>, framed once for all connections of this role (see
    /// <see cref="PreparedMessage"/>).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WritePreparedMessageAsync(PreparedMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (IsControlType(message.Type))
        {
            await WriteControlAsync(message.Type, message.Data, ControlDeadline(), cancellationToken).ConfigureAwait(false);
            return;
        }
        EnterWrite();
        var token = BeginWrite(cancellationToken, out var link);
        try
        {
            if (_sender.ShouldCompress(message.Data.Length)) await SendPreparedCompressedAsync(message, token).ConfigureAwait(false);
            else if (_role == Role.Server) await SendRawFrameAsync(message.ServerFrame, token).ConfigureAwait(false);
            else await SendFrameAsync((Opcode)message.Type, fin: true, message.Data, token).ConfigureAwait(false);
        }
        finally
        {
            EndWrite(link);
        }
    }

    /// <summary>
    /// Sends a Close, Ping or Pong frame (at most 125 bytes of payload) that must be on the wire by
    /// <paramref name="deadline"/> (gorilla's <c>WriteControl</c>). Safe to call concurrently with
    /// any other method: it waits for the data frame being written, if any, to finish, and goes
    /// out between frames. A Close payload must be empty or a valid code and UTF-8 reason (see
    /// <see cref="CloseMessages.Format"/>); once a Close is sent, no data frame may follow.
    /// </summary>
    public ValueTask WriteControlAsync(MessageType type, ReadOnlyMemory<byte> data, DateTimeOffset deadline, CancellationToken cancellationToken = default)
        => WriteControlAsync(type, data, deadline == default ? Timeout.InfiniteTimeSpan : deadline - DateTimeOffset.UtcNow, cancellationToken);

    /// <summary>
    /// Sends a control frame that must be on the wire within <paramref name="timeout"/>
    /// (<see cref="Timeout.InfiniteTimeSpan"/>: no bound but the write timeout; zero or less: now).
    /// The <see cref="DateTimeOffset"/> overload takes gorilla's zero time (<c>default</c>) as no deadline.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteControlAsync(MessageType type, ReadOnlyMemory<byte> data, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (!IsControlType(type)) throw new ArgumentException("websocket: WriteControlAsync sends Close, Ping or Pong only.", nameof(type));
        if (data.Length > FrameHeader.MaxControlPayload)
            throw new ArgumentException("websocket: a control frame carries at most 125 bytes (RFC 6455 section 5.5).", nameof(data));
        if (type == MessageType.Close && ClosePayload.Parse(data.Span, out _, out _) != ProtocolError.None)
            throw new ArgumentException("websocket: invalid close payload; build it with CloseMessages.Format.", nameof(data));
        ThrowIfWriteFailed();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // A control frame is a write too: the write timeout bounds it as well.
        if (_options.WriteTimeout != Timeout.InfiniteTimeSpan && (timeout == Timeout.InfiniteTimeSpan || timeout > _options.WriteTimeout))
            timeout = _options.WriteTimeout;
        if (timeout != Timeout.InfiniteTimeSpan) cts.CancelAfter(timeout <= TimeSpan.Zero ? TimeSpan.Zero : timeout);
        bool entered = false, started = false;
        try
        {
            await _wire.WaitAsync(cts.Token).ConfigureAwait(false);
            entered = true;
            ThrowIfWriteFailed();
            if (_sender.CloseSent) throw new ConnectionClosedException("websocket: a close frame was already sent; no frame may follow it.");
            var buf = _controlOut ??= new byte[FrameHeader.MaxSize + FrameHeader.MaxControlPayload];
            started = true;
            // Data frames a write kept go before this frame, as they were written before it.
            if (_keptCount != 0) await SendKeptAsync(cts.Token).ConfigureAwait(false);
            int n = _sender.WriteControl(buf, (Opcode)type, data.Span);
            await _stream.WriteAsync(buf.AsMemory(0, n), cts.Token).ConfigureAwait(false);
            await _stream.FlushAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            var timedOut = new TimeoutException("websocket: the control frame could not be written before its deadline.", e);
            if (started) throw WriteFailed(timedOut);
            throw timedOut;
        }
        catch (Exception e) when (started && e is not ConnectionClosedException)
        {
            throw WriteFailed(e);
        }
        finally
        {
            if (entered) _wire.Release();
        }
    }

    private TimeSpan ControlDeadline()
        => _writeDeadline?.At is { } at ? at - DateTimeOffset.UtcNow : _options.CloseTimeout;

    // Best effort, for handlers and failure paths: a connection that is already closing or broken
    // is not an error here.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask TryWriteControlAsync(MessageType type, ReadOnlyMemory<byte> payload)
    {
        try
        {
            await WriteControlAsync(type, payload, _options.CloseTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            // The peer is not taking our bytes: a reply it cannot get in time ends the connection
            // rather than leaving it to wait on a write forever.
            _logger.LogDebug("websocket: {Type} not sent in time: {Message}; closing", type, e.Message);
            Fail(e);
        }
        catch (Exception e) when (e is ConnectionClosedException or IOException or SocketException or ObjectDisposedException)
        {
            _logger.LogDebug("websocket: {Type} not sent: {Message}", type, e.Message);
        }
    }

    private ValueTask TryWriteCloseAsync(int code, string reason)
        => TryWriteControlAsync(MessageType.Close, CloseStatus.IsValidOnWire(code) ? CloseMessages.Format(code, reason) : default);

    private static bool IsControlType(MessageType type) => type is MessageType.Close or MessageType.Ping or MessageType.Pong;

    // A text message is checked whole before anything of it is sent (gorilla leaves that to the peer).
    internal static void ThrowIfInvalidText(MessageType type, ReadOnlySpan<byte> data)
    {
        if (type == MessageType.Text && !Utf8.IsValid(data))
            throw new ArgumentException("websocket: a text message must be valid UTF-8.", nameof(data));
    }

    private static void CheckDataType(MessageType type)
    {
        if (type is not (MessageType.Text or MessageType.Binary))
            throw new ArgumentException("websocket: data messages are Text or Binary.", nameof(type));
    }

    private void EnterWrite()
    {
        if (Interlocked.Exchange(ref _writeBusy, 1) != 0)
            throw new InvalidOperationException("websocket: concurrent write. A connection supports one writer at a time (and a NextWriter stream holds it until disposed); serialise writers with a lock or a channel.");
    }

    internal void ExitWrite() => Volatile.Write(ref _writeBusy, 0);

    private CancellationToken BeginWrite(CancellationToken user, out CancellationTokenRegistration link)
    {
        _writeCallerToken = user;
        return Deadline.Begin(_writeDeadline, user, out link);
    }

    private void EndWrite(CancellationTokenRegistration link)
    {
        _writeDeadline?.End(link);
        ExitWrite();
    }

    internal CancellationToken BeginWriterCall(CancellationToken user, out CancellationTokenRegistration link) => BeginWrite(user, out link);

    internal void EndWriterCall(CancellationTokenRegistration link) => _writeDeadline?.End(link);

    private void ThrowIfWriteFailed()
    {
        if (_writeFailure is { } failure)
            throw new ConnectionClosedException($"websocket: cannot write, the connection has already failed: {failure.Message}", failure);
    }

    internal void FailWrites(Exception e) => WriteFailed(e);

    // A write that failed may have left part of a frame on the wire, after which nothing can be
    // sent; so the write side is failed for good and the connection is closed. Closing also frees
    // what a peer that stopped reading would otherwise pin (our buffers and the socket's) forever.
    private Exception WriteFailed(Exception e)
    {
        if (e is OperationCanceledException && _writeDeadline is { IsTimed: true } && !_writeCallerToken.IsCancellationRequested)
            e = new TimeoutException("websocket: write deadline or write timeout exceeded", e);
        if (Interlocked.CompareExchange(ref _writeFailure, e, null) is null)
        {
            _logger.LogDebug("websocket write failed: {Message}; closing", e.Message);
            Interlocked.CompareExchange(ref _readFailure, new ConnectionClosedException($"websocket: the connection was closed after a write failed: {e.Message}", e), null);
            Abort();
        }
        return e;
    }

    internal byte[] RentWriteBuffer()
        => _options.WriteBufferPool?.Rent(_writeBufferSize) ?? (_ownWriteBuffer ??= new byte[_writeBufferSize]);

    internal void ReturnWriteBuffer(byte[] buffer) => _options.WriteBufferPool?.Return(buffer);

    // Sends a frame whose payload sits at buffer[HeaderRoom..HeaderRoom+count]: the header is put
    // just in front of it and the frame leaves in one write.
    internal ValueTask SendBufferedFrameAsync(byte[] buffer, int count, Opcode opcode, bool fin, CancellationToken token, bool rsv1 = false)
    {
        int start = _sender.FrameInPlace(buffer, count, opcode, fin, rsv1);
        return SendRawFrameAsync(buffer.AsMemory(start, HeaderRoom + count - start), token);
    }

    // Sends one frame with any payload. Small payloads are copied behind the header (one write);
    // a large unmasked payload is written from the caller's memory without a copy; a large masked
    // one is masked chunk by chunk through the write buffer.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendFrameAsync(Opcode opcode, bool fin, ReadOnlyMemory<byte> payload, CancellationToken token, bool rsv1 = false)
    {
        var buffer = RentWriteBuffer();
        try
        {
            if (payload.Length <= buffer.Length - HeaderRoom)
            {
                payload.CopyTo(buffer.AsMemory(HeaderRoom));
                await SendBufferedFrameAsync(buffer, payload.Length, opcode, fin, token, rsv1).ConfigureAwait(false);
                return;
            }
            bool masked = _sender.Masks;
            // A masked payload must be copied to be masked. Staging it through the small write buffer
            // costs one system call per 4 KiB on both ends, so large masked frames go through a
            // larger pooled buffer, held only for this write. An unmasked frame that fits that buffer
            // is staged too, so that it leaves in one write rather than header-and-first-chunk and rest:
            // copying 64 KiB costs less than the second system call and the peer's second wake-up.
            bool stageWhole = !masked && FrameHeader.MaxSize + payload.Length <= StageLimit;
            byte[]? stage = masked || stageWhole ? StagePool.Rent(Math.Min(FrameHeader.MaxSize + payload.Length, StageLimit)) : null;
            var chunkBuffer = stage ?? buffer;
            await AcquireWireAsync(token).ConfigureAwait(false);
            try
            {
                int pos = _sender.WriteHeader(chunkBuffer, opcode, fin, payload.Length, out uint key, rsv1);
                int maskOffset = 0;
                var rest = payload;
                while (!rest.IsEmpty)
                {
                    if (!masked && pos == 0)
                    {
                        // The header is out; the remaining plain payload needs no copy.
                        await _stream.WriteAsync(rest, token).ConfigureAwait(false);
                        break;
                    }
                    int n = Math.Min(rest.Length, chunkBuffer.Length - pos);
                    var chunk = chunkBuffer.AsSpan(pos, n);
                    if (masked) maskOffset = Masking.Apply(rest.Span[..n], chunk, key, maskOffset);
                    else rest.Span[..n].CopyTo(chunk);
                    await _stream.WriteAsync(chunkBuffer.AsMemory(0, pos + n), token).ConfigureAwait(false);
                    rest = rest[n..];
                    pos = 0;
                }
                await _stream.FlushAsync(token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not ConnectionClosedException)
            {
                throw WriteFailed(e);
            }
            finally
            {
                _wire.Release();
                if (stage is not null) StagePool.Return(stage);
            }
        }
        finally
        {
            ReturnWriteBuffer(buffer);
        }
    }

    // Largest staging buffer for masking a big frame: large enough that a 1 MiB message takes a
    // handful of writes, small enough to stay out of the large-object heap churn of the pool's top buckets.
    private const int StageLimit = 256 * 1024;

    private ArrayPool<byte> StagePool => _options.WriteBufferPool ?? ArrayPool<byte>.Shared;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendRawFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken token)
    {
        await AcquireWireAsync(token).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(frame, token).ConfigureAwait(false);
            await _stream.FlushAsync(token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not ConnectionClosedException)
        {
            throw WriteFailed(e);
        }
        finally
        {
            _wire.Release();
        }
    }

    // Takes the wire for a data frame. Waiting is not writing: a cancelled wait leaves the
    // connection usable. Data may not follow our Close frame. Frames kept by a write that did not
    // flush go out first (unless the caller is adding to them).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AcquireWireAsync(CancellationToken token, bool sendKept = true)
    {
        ThrowIfWriteFailed();
        await _wire.WaitAsync(token).ConfigureAwait(false);
        if (_sender.CloseSent || _writeFailure is not null)
        {
            _wire.Release();
            ThrowIfWriteFailed();
            throw new ConnectionClosedException("websocket: a close frame was already sent; no data may follow it.");
        }
        if (sendKept && _keptCount != 0)
        {
            try
            {
                await SendKeptAsync(token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _wire.Release();
                throw WriteFailed(e);
            }
        }
    }
}
