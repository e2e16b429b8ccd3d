namespace WebSocketKit.Protocol;

/// <summary>What a call to <see cref="FrameDecoder.Decode"/> produced.</summary>
public enum FrameEvent
{
    /// <summary>All input was consumed; call again with more.</summary>
    NeedMoreData,
    /// <summary>A frame header was decoded and accepted: see <see cref="FrameDecoder.Header"/>.</summary>
    Header,
    /// <summary>Payload bytes, unmasked, were written to the destination.</summary>
    Payload,
    /// <summary>The current frame's payload is complete; the next byte starts a new frame.</summary>
    FrameEnd,
    /// <summary>The peer broke the protocol: see <see cref="FrameDecoder.Error"/>.</summary>
    Error,
}

/// <summary>
/// The Sans-IO frame reader: bytes in, events out. For every frame it yields one
/// <see cref="FrameEvent.Header"/>, then <see cref="FrameEvent.Payload"/> events carrying the
/// unmasked payload in pieces as large as input and destination allow, then one
/// <see cref="FrameEvent.FrameEnd"/>. Besides the header checks it enforces the rules that span
/// frames: a continuation needs an open message, a new Text or Binary frame may not interrupt one,
/// and a message may not grow past the read limit. Each of these fails at the header byte that
/// shows it, before any of that frame's payload is read. Control frames may arrive between fragments.
/// It does no I/O and allocates nothing.
/// </summary>
public struct FrameDecoder
{
    private FrameHeaderDecoder _headerDecoder;
    private long _maxMessageSize;
    private FrameHeader _header;
    private long _remaining;
    private int _maskOffset;
    private State _state;
    private ProtocolError _error;
    // The data message in progress (between its first frame and the frame with FIN).
    private bool _inMessage;
    private Opcode _messageOpcode;
    private bool _messageCompressed;
    private long _messageLength;

    private enum State : byte { Header, Payload, End, Failed }

    /// <summary>
    /// A decoder for the frames that <paramref name="role"/> receives. Messages longer than
    /// <paramref name="maxMessageSize"/> bytes (counted over all their frames) fail with
    /// <see cref="ProtocolError.MessageTooBig"/>. <paramref name="compressionNegotiated"/> permits
    /// RSV1 on the first frame of a data message (RFC 7692).
    /// </summary>
    public FrameDecoder(Role role, long maxMessageSize = long.MaxValue, bool compressionNegotiated = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxMessageSize);
        _headerDecoder = new FrameHeaderDecoder(role, compressionNegotiated);
        _headerDecoder.ExpectNext(messageOpen: false, maxMessageSize, maxMessageSize);
        _maxMessageSize = maxMessageSize;
    }

    /// <summary>
    /// The read limit. It may change at any time; it applies from the next frame header on (and to
    /// the rest of a header being read), counting the bytes the open message already has.
    /// </summary>
    public long MaxMessageSize
    {
        readonly get => _maxMessageSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _maxMessageSize = value;
            // The header decoder checks lengths as their bytes arrive, against what it was last
            // told; tell it now, so the next header (even one already begun) obeys the new limit.
            if (_state != State.Failed) _headerDecoder.ExpectNext(_inMessage, value, ContinuationLimit());
        }
    }

    /// <summary>The header of the frame being read (valid after a Header event).</summary>
    public readonly FrameHeader Header => _header;

    /// <summary>Payload bytes of the current frame not yet delivered.</summary>
    public readonly long PayloadRemaining => _remaining;

    /// <summary>The error after an <see cref="FrameEvent.Error"/> event.</summary>
    public readonly ProtocolError Error => _error;

    /// <summary>The close code to send for <see cref="Error"/>.</summary>
    public readonly ushort ErrorCloseCode => ProtocolErrors.CloseCode(_error);

    /// <summary>Text or Binary: the type of the data message the current data frame belongs to.</summary>
    public readonly Opcode MessageOpcode => _messageOpcode;

    /// <summary>True when the current data message had RSV1 on its first frame (RFC 7692).</summary>
    public readonly bool MessageCompressed => _messageCompressed;

    /// <summary>True while a fragmented data message is open (its final frame not yet read).</summary>
    public readonly bool InMessage => _inMessage;

    /// <summary>
    /// Advances by at most one event. <paramref name="consumed"/> bytes of <paramref name="input"/>
    /// were used; for a Payload event, <paramref name="written"/> unmasked bytes were put at the start
    /// of <paramref name="destination"/> (which may be the same memory as the input).
    /// </summary>
    public FrameEvent Decode(ReadOnlySpan<byte> input, Span<byte> destination, out int consumed, out int written)
    {
        consumed = 0;
        written = 0;
        switch (_state)
        {
            case State.Header:
                switch (_headerDecoder.Decode(input, out consumed, out _header, out _error))
                {
                    case HeaderStatus.NeedMoreData:
                        return FrameEvent.NeedMoreData;
                    case HeaderStatus.Invalid:
                        return Fail(_error);
                }
                Track(_header);
                _remaining = _header.PayloadLength;
                _maskOffset = 0;
                _state = _remaining == 0 ? State.End : State.Payload;
                return FrameEvent.Header;

            case State.Payload:
                int n = (int)Math.Min(_remaining, Math.Min(input.Length, destination.Length));
                if (n == 0)
                {
                    if (input.IsEmpty) return FrameEvent.NeedMoreData;
                    throw new ArgumentException("The destination has no room for payload.", nameof(destination));
                }
                if (_header.Masked) _maskOffset = Masking.Apply(input[..n], destination, _header.MaskKey, _maskOffset);
                else input[..n].CopyTo(destination);
                consumed = written = n;
                _remaining -= n;
                if (_remaining == 0) _state = State.End;
                return FrameEvent.Payload;

            case State.End:
                _state = State.Header;
                return FrameEvent.FrameEnd;

            default:
                return FrameEvent.Error;
        }
    }

    private FrameEvent Fail(ProtocolError error)
    {
        _error = error;
        _state = State.Failed;
        return FrameEvent.Error;
    }

    // Follows the data message across its frames. The header decoder has already enforced the
    // rules between frames (RFC 6455 section 5.4) and the size limit; it learns here what the
    // next header may be.
    private void Track(in FrameHeader h)
    {
        if (h.IsControl) return;
        if (h.Opcode != Opcode.Continuation)
        {
            _messageOpcode = h.Opcode;
            _messageCompressed = h.Rsv1;
            _messageLength = 0;
        }
        _messageLength += h.PayloadLength;
        _inMessage = !h.Fin;
        _headerDecoder.ExpectNext(_inMessage, _maxMessageSize, ContinuationLimit());
    }

    // What the next continuation frame may declare. A limit lowered below what the open message
    // already holds leaves room for nothing (never a negative room, which the header checks would
    // read as a huge unsigned one).
    private readonly long ContinuationLimit() => _inMessage ? Math.Max(0, _maxMessageSize - _messageLength) : _maxMessageSize;
}
