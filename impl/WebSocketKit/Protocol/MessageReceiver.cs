using System.Buffers;
using WebSocketKit.Protocol.Compression;

namespace WebSocketKit.Protocol;

/// <summary>What a call to <see cref="MessageReceiver.Receive"/> produced.</summary>
public enum ReceiveEvent
{
    /// <summary>All input was used; call again with more.</summary>
    NeedMoreData,
    /// <summary>A data message began: see <see cref="MessageReceiver.MessageType"/>. Its payload follows as Data events.</summary>
    MessageStart,
    /// <summary>Payload bytes of the open message (inflated and checked) were put in the destination.</summary>
    Data,
    /// <summary>The open message is complete.</summary>
    MessageEnd,
    /// <summary>A Ping arrived: its payload is <see cref="MessageReceiver.ControlPayload"/>. The RFC asks for a Pong with the same payload.</summary>
    Ping,
    /// <summary>A Pong arrived: its payload is <see cref="MessageReceiver.ControlPayload"/>.</summary>
    Pong,
    /// <summary>
    /// The peer's Close arrived: see <see cref="MessageReceiver.CloseCode"/> and
    /// <see cref="MessageReceiver.CloseReason"/>. Nothing after it is read (RFC 6455 section 5.5.1).
    /// </summary>
    Close,
    /// <summary>The peer broke the protocol: see <see cref="MessageReceiver.Error"/> and the close code to answer with.</summary>
    Error,
}

/// <summary>
/// The receiving half of a connection's protocol state, Sans-IO in the manner of python-hyper's
/// wsproto: bytes in, events out, no stream, task or clock. It holds everything the RFCs make the
/// receiver track across frames: fragmentation (through <see cref="FrameDecoder"/>), the read limit,
/// streaming UTF-8 validation of text, control frames assembled and checked (a Close's code and
/// reason), and permessage-deflate: a compressed message's payload goes to an inflater whose output
/// is what the caller sees, so the limit caps the inflated size as it is produced (RFC 7692).
/// <para>
/// One receiver serves one connection, from one reader at a time. After a Close or an Error it is
/// finished: later calls return the same event and consume nothing.
/// </para>
/// </summary>
public sealed class MessageReceiver
{
    // Compressed payload is staged here before it is inflated into the caller's memory.
    private const int InflateInputSize = 16 * 1024;

    private readonly Role _role;
    private readonly PerMessageDeflateParameters? _compression;
    private FrameDecoder _decoder;
    private long _readLimit;
    private Utf8Validator _utf8;

    // Made at the first control frame: most connections never get one, and an idle one should hold little.
    private byte[] _control = [];
    private int _controlLength;
    private bool _inControl;

    private bool _inMessage;
    private MessageType _messageType;
    private long _messageLength;
    // A plain message on a compressing connection: the decoder's limit is widened for compressed
    // payloads, so the exact limit is counted here.
    private long _plainLength;

    // The compressed message being read.
    private bool _inflating;
    private bool _payloadComplete;
    private bool _outputPending;
    private bool _inflateDone;
    private Inflater? _inflater;
    private Inflater? _keptInflater;
    private byte[]? _inflateIn;
    private int _inflatePos, _inflateEnd;

    private ReceiveEvent _terminal;
    private ProtocolError _error;
    private ushort _closeCode;
    private int _closeReasonLength;

    /// <summary>
    /// A receiver for the frames <paramref name="role"/> gets. <paramref name="compression"/> is what
    /// the handshake agreed (null: none, and RSV1 is a protocol error). Messages larger than
    /// <paramref name="readLimit"/> bytes fail with <see cref="ProtocolError.MessageTooBig"/>.
    /// </summary>
    public MessageReceiver(Role role, long readLimit = long.MaxValue, PerMessageDeflateParameters? compression = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(readLimit);
        _role = role;
        _compression = compression;
        _readLimit = readLimit;
        _decoder = new FrameDecoder(role, WireLimit(readLimit), compressionNegotiated: compression is not null);
    }

    /// <summary>
    /// The largest message accepted, in bytes. A change applies from the next frame header (counting
    /// what the open message already has) and, for a compressed message, from its next inflated byte.
    /// </summary>
    public long ReadLimit
    {
        get => _readLimit;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _readLimit = value;
            _decoder.MaxMessageSize = WireLimit(value);
            if (_inflater is { } inflater) inflater.MaxMessageSize = value;
        }
    }

    /// <summary>The type of the open (or last) data message.</summary>
    public MessageType MessageType => _messageType;

    /// <summary>True from a <see cref="ReceiveEvent.MessageStart"/> to its <see cref="ReceiveEvent.MessageEnd"/>.</summary>
    public bool InMessage => _inMessage;

    /// <summary>Payload bytes of the open message delivered so far (inflated bytes, for a compressed one).</summary>
    public long MessageLength => _messageLength;

    /// <summary>
    /// While the open message is uncompressed and in its final frame: the payload bytes still to come, which is exactly
    /// what the message still needs room for (0: only <see cref="ReceiveEvent.MessageEnd"/> is left, and it needs no
    /// room). Null otherwise: in an earlier fragment the message's length is unknown, and a compressed message's
    /// inflated length always is.
    /// </summary>
    internal long? FinalPayloadRemaining =>
        _inMessage && !_inControl && !_inflating && _decoder.Header is { IsControl: false, Fin: true } ? _decoder.PayloadRemaining : null;

    /// <summary>True when the open message was sent compressed (RSV1 on its first frame).</summary>
    public bool MessageCompressed => _inflating;

    /// <summary>The payload of the last Ping, Pong or Close; valid until the next call.</summary>
    public ReadOnlyMemory<byte> ControlPayload => _control.AsMemory(0, _controlLength);

    /// <summary>The peer's close code, after <see cref="ReceiveEvent.Close"/> (1005 when its Close had no payload).</summary>
    public ushort CloseCode => _closeCode;

    /// <summary>The peer's close reason, valid UTF-8, after <see cref="ReceiveEvent.Close"/>.</summary>
    public ReadOnlySpan<byte> CloseReason => _control.AsSpan(_controlLength - _closeReasonLength, _closeReasonLength);

    /// <summary>Why the peer's bytes were refused, after <see cref="ReceiveEvent.Error"/>.</summary>
    public ProtocolError Error => _error;

    /// <summary>The close code to answer <see cref="Error"/> with (1002, 1007 or 1009).</summary>
    public ushort ErrorCloseCode => ProtocolErrors.CloseCode(_error);

    /// <summary>True once a Close or an Error has ended the receiving side.</summary>
    public bool IsFinished => _terminal != ReceiveEvent.NeedMoreData;

    /// <summary>
    /// How many of the next input bytes are payload that may be received straight into the
    /// destination and passed back as the input of <see cref="Receive"/> (the same memory): the rest
    /// of the current data frame, or for a compressed message as much of it as the inflater's staging
    /// room takes. 0 when the next bytes are not such payload. Lets a shell skip a copy for large payloads.
    /// </summary>
    public int DirectPayloadLength
    {
        get
        {
            if (!_inMessage || _inControl || _decoder.PayloadRemaining == 0) return 0;
            if (!_inflating) return (int)Math.Min(_decoder.PayloadRemaining, int.MaxValue);
            // In place only when nothing is staged or owed: the inflater writes before it reads more.
            return _inflatePos == _inflateEnd && !_outputPending ? (int)Math.Min(_decoder.PayloadRemaining, InflateInputSize) : 0;
        }
    }

    /// <summary>
    /// Advances by at most one event. <paramref name="consumed"/> bytes of <paramref name="input"/>
    /// were used. For <see cref="ReceiveEvent.Data"/>, <paramref name="written"/> payload bytes were
    /// put at the start of <paramref name="destination"/>, which must have room while a message is
    /// open (it may be empty between messages). Input and destination may start at the same memory
    /// for at most <see cref="DirectPayloadLength"/> bytes of input.
    /// </summary>
    public ReceiveEvent Receive(ReadOnlySpan<byte> input, Span<byte> destination, out int consumed, out int written)
    {
        var ev = ReceiveOne(input, destination, out consumed, out written);
        if (ev != ReceiveEvent.Data) written = 0;
        return ev;
    }

    private ReceiveEvent ReceiveOne(ReadOnlySpan<byte> input, Span<byte> destination, out int consumed, out int written)
    {
        consumed = 0;
        written = 0;
        if (_terminal != ReceiveEvent.NeedMoreData) return _terminal;
        while (true)
        {
            if (_inflating)
            {
                var inflated = InflateStep(destination, out written);
                if (inflated != ReceiveEvent.NeedMoreData) return inflated;
            }
            var target = _inControl ? _control.AsSpan(_controlLength) : _inflating ? _inflateIn.AsSpan(_inflateEnd) : destination;
            var ev = _decoder.Decode(input[consumed..], target, out int used, out int n);
            consumed += used;
            switch (ev)
            {
                case FrameEvent.NeedMoreData:
                    return ReceiveEvent.NeedMoreData;
                case FrameEvent.Header:
                    var h = _decoder.Header;
                    if (h.IsControl)
                    {
                        _inControl = true;
                        _controlLength = 0;
                        if (_control.Length == 0) _control = new byte[FrameHeader.MaxControlPayload];
                        continue;
                    }
                    if (h.Opcode != Opcode.Continuation) return BeginMessage(h);
                    if (!CountPlainFrame(h.PayloadLength)) return Fail(ProtocolError.MessageTooBig);
                    continue;
                case FrameEvent.Payload:
                    if (_inControl) _controlLength += n;
                    else if (_inflating) _inflateEnd += n;
                    else
                    {
                        written = n;
                        return Deliver(destination[..n]);
                    }
                    continue;
                case FrameEvent.FrameEnd:
                    if (_inControl)
                    {
                        _inControl = false;
                        return ControlFrame();
                    }
                    if (!_decoder.Header.Fin) continue;
                    if (!_inflating) return EndMessage();
                    // The payload is all in; the inflater still has the tail to read.
                    _payloadComplete = true;
                    continue;
                default:
                    return Fail(_decoder.Error);
            }
        }
    }

    /// <summary>
    /// The fast path for the common case: when <paramref name="input"/> starts with a whole
    /// single-frame, uncompressed data message and no message is open, takes it whole (unmasked and
    /// checked, written to <paramref name="destination"/>) and returns true. Anything else (a control
    /// frame first, a fragment, compression, a frame not all here, an error) returns false and
    /// changes nothing, leaving it to <see cref="Receive"/>, which also reports errors.
    /// </summary>
    public bool TryReceiveWholeMessage(ReadOnlySpan<byte> input, IBufferWriter<byte> destination, out int consumed, out MessageType type)
    {
        consumed = 0;
        type = default;
        if (_compression is not null || _inControl || _inMessage || _terminal != ReceiveEvent.NeedMoreData || input.Length < 2) return false;
        var decoder = _decoder;
        if (decoder.Decode(input, default, out int used, out _) != FrameEvent.Header) return false;
        var header = decoder.Header;
        if (!header.Fin || header.IsControl || header.PayloadLength > input.Length - used) return false;
        int length = (int)header.PayloadLength;
        var payload = length == 0 ? default : destination.GetSpan(length)[..length];
        if (length > 0)
        {
            if (decoder.Decode(input[used..], payload, out int payloadUsed, out int unmasked) != FrameEvent.Payload || unmasked != length) return false;
            used += payloadUsed;
        }
        if (decoder.Decode(input[used..], default, out int endUsed, out _) != FrameEvent.FrameEnd) return false;
        used += endUsed;
        if (header.Opcode == Opcode.Text && !Utf8Validator.IsValid(payload)) return false;
        _decoder = decoder;
        _messageType = type = (MessageType)header.Opcode;
        _messageLength = length;
        consumed = used;
        if (length > 0) destination.Advance(length);
        return true;
    }

    // The payload bytes a message may take on the wire. Deflate can grow incompressible data by a
    // little, so with compression the decoder allows that much more and the limit proper is applied
    // to the inflated bytes (and to plain messages at their headers).
    private long WireLimit(long limit)
        => _compression is null ? limit : limit > long.MaxValue / 2 ? long.MaxValue : limit + limit / 8 + 64;

    private ReceiveEvent BeginMessage(in FrameHeader h)
    {
        _inMessage = true;
        _messageType = (MessageType)h.Opcode;
        _messageLength = 0;
        _utf8.Reset();
        if (_compression is not null)
        {
            if (h.Rsv1) BeginInflate();
            else
            {
                _plainLength = 0;
                if (!CountPlainFrame(h.PayloadLength)) return Fail(ProtocolError.MessageTooBig);
            }
        }
        return ReceiveEvent.MessageStart;
    }

    // Plain messages on a compressing connection obey the exact limit at each frame header.
    private bool CountPlainFrame(long payloadLength)
    {
        if (_compression is null || _inflating) return true;
        _plainLength += payloadLength;
        return _plainLength <= _readLimit;
    }

    // Payload for the caller: text is checked as it streams, so invalid UTF-8 fails at once (section 8.1).
    private ReceiveEvent Deliver(ReadOnlySpan<byte> payload)
    {
        _messageLength += payload.Length;
        if (_messageType == MessageType.Text && !_utf8.Append(payload)) return Fail(ProtocolError.InvalidUtf8);
        return ReceiveEvent.Data;
    }

    private ReceiveEvent EndMessage()
    {
        if (_messageType == MessageType.Text && !_utf8.IsComplete) return Fail(ProtocolError.InvalidUtf8);
        _inMessage = false;
        return ReceiveEvent.MessageEnd;
    }

    private ReceiveEvent ControlFrame()
    {
        switch (_decoder.Header.Opcode)
        {
            case Opcode.Ping:
                return ReceiveEvent.Ping;
            case Opcode.Pong:
                return ReceiveEvent.Pong;
            default:
                var error = ClosePayload.Parse(_control.AsSpan(0, _controlLength), out _closeCode, out var reason);
                if (error != ProtocolError.None) return Fail(error);
                _closeReasonLength = reason.Length;
                return _terminal = ReceiveEvent.Close;
        }
    }

    private ReceiveEvent Fail(ProtocolError error)
    {
        _error = error;
        if (_inflating) EndInflate();
        return _terminal = ReceiveEvent.Error;
    }

    // The inflater failed after writing some bytes: they are checked first, as they would have been
    // had the destination been smaller, so the error does not depend on how the caller reads.
    private ReceiveEvent FailAfter(ReadOnlySpan<byte> produced, ProtocolError error)
        => !produced.IsEmpty && Deliver(produced) == ReceiveEvent.Error ? ReceiveEvent.Error : Fail(error);

    private void BeginInflate()
    {
        var c = _compression!;
        _inflater = c.ReadContextTakeover(_role)
            ? _keptInflater ??= c.CreateInflater(_role)
            : CompressionPool.RentInflater(c.ReadWindowBits(_role));
        _inflater.MaxMessageSize = _readLimit;
        _inflateIn = ArrayPool<byte>.Shared.Rent(InflateInputSize);
        _inflatePos = _inflateEnd = 0;
        _payloadComplete = _inflateDone = _outputPending = false;
        _inflating = true;
    }

    private void EndInflate()
    {
        _inflating = false;
        if (_inflater is { ContextTakeover: false } pooled) CompressionPool.Return(pooled);
        _inflater = null;
        if (_inflateIn is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
        _inflateIn = null;
    }

    // Inflates the staged payload into the destination: Data when bytes came out, MessageEnd when
    // the message is complete, Error for data that does not inflate or inflates past the limit, and
    // NeedMoreData when the inflater wants more payload from the frames.
    private ReceiveEvent InflateStep(Span<byte> destination, out int written)
    {
        written = 0;
        if (_inflateDone)
        {
            EndInflate();
            return EndMessage();
        }
        var inflater = _inflater!;
        // The inflater may owe output with no input left (a long match cut by a full destination).
        if (_inflatePos < _inflateEnd || _outputPending)
        {
            var status = inflater.Inflate(_inflateIn.AsSpan(_inflatePos, _inflateEnd - _inflatePos), destination, out int used, out written);
            _inflatePos += used;
            _outputPending = status == InflateStatus.OutputFull;
            if (status is InflateStatus.InvalidData or InflateStatus.MessageTooBig)
            {
                return FailAfter(destination[..written], inflater.Error);
            }
            if (_inflatePos == _inflateEnd) _inflatePos = _inflateEnd = 0;
            if (written > 0) return Deliver(destination[..written]);
        }
        if (!_payloadComplete || _inflatePos < _inflateEnd || _outputPending) return ReceiveEvent.NeedMoreData;
        switch (inflater.FinishMessage(destination, out written))
        {
            case InflateStatus.MessageComplete:
                _inflateDone = true;
                if (written > 0) return Deliver(destination[..written]);
                EndInflate();
                return EndMessage();
            case InflateStatus.OutputFull:
                return Deliver(destination[..written]);
            default:
                return FailAfter(destination[..written], inflater.Error);
        }
    }
}
