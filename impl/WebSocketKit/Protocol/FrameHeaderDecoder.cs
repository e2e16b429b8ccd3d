using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace WebSocketKit.Protocol;

/// <summary>Outcome of one call to <see cref="FrameHeaderDecoder.Decode"/>.</summary>
public enum HeaderStatus
{
    /// <summary>All input was consumed and the header is still incomplete.</summary>
    NeedMoreData,
    /// <summary>A whole header was decoded; it is valid for a single frame.</summary>
    Done,
    /// <summary>The header breaks the protocol; see the error.</summary>
    Invalid,
}

/// <summary>
/// Decodes one frame header from input split in any way, down to one byte per call. It checks
/// everything a header alone can show (reserved opcodes and bits, control-frame rules, masking
/// by role, the 64-bit length's top bit) as soon as the byte that shows it arrives, and never
/// consumes a byte past the header. <see cref="FrameDecoder"/> adds the rules that depend on the
/// previous frames (fragmentation, message size) through <see cref="ExpectNext"/>, so that those
/// too fail at the first byte that shows them.
/// </summary>
public struct FrameHeaderDecoder
{
    [InlineArray(FrameHeader.MaxSize)]
    private struct HeaderBytes { private byte _b0; }

    private readonly Role _role;
    private readonly bool _rsv1Allowed;
    private HeaderBytes _bytes;
    private int _have;
    private ulong _length; // the payload length read so far, big-endian digits shifted in
    // Rules from earlier frames, set by FrameDecoder; off for a standalone header decoder.
    private bool _sequenced;
    private bool _messageOpen;
    private long _newMessageLimit;
    private long _continuationLimit;

    /// <summary>
    /// A decoder for frames received by <paramref name="role"/>. <paramref name="rsv1Allowed"/> is
    /// true when an extension that uses RSV1 (permessage-deflate) was negotiated; RSV1 is then
    /// legal on the first frame of a data message only.
    /// </summary>
    public FrameHeaderDecoder(Role role, bool rsv1Allowed)
    {
        _role = role;
        _rsv1Allowed = rsv1Allowed;
    }

    /// <summary>True when part of a header has been consumed.</summary>
    public readonly bool InProgress => _have != 0;

    /// <summary>
    /// What the frames so far allow for the next header: whether a fragmented message is open
    /// (so only a continuation or a control frame may follow, else only a new message), and the
    /// largest payload a new message's first frame or a continuation frame may declare.
    /// </summary>
    internal void ExpectNext(bool messageOpen, long newMessageLimit, long continuationLimit)
    {
        _sequenced = true;
        _messageOpen = messageOpen;
        _newMessageLimit = newMessageLimit;
        _continuationLimit = continuationLimit;
    }

    /// <summary>
    /// Consumes header bytes from <paramref name="input"/>. On <see cref="HeaderStatus.Done"/>,
    /// <paramref name="consumed"/> is the number of bytes of this input that belonged to the header
    /// and the decoder is ready for the next header. On <see cref="HeaderStatus.Invalid"/> the
    /// offending byte is the last one consumed and the decoder must not be used again.
    /// </summary>
    public HeaderStatus Decode(ReadOnlySpan<byte> input, out int consumed, out FrameHeader header, out ProtocolError error)
    {
        header = default;
        error = ProtocolError.None;
        consumed = 0;
        if (_have == 0 && input.Length >= 2 && input.Length >= Required(input[1]) && TryWhole(input, out header, out int size))
        {
            consumed = size;
            return HeaderStatus.Done;
        }
        Span<byte> buf = _bytes;
        while (true)
        {
            int need = _have < 2 ? 2 : Required(buf[1]);
            if (_have == need) return Finish(buf[.._have], out header);
            if (consumed == input.Length) return HeaderStatus.NeedMoreData;
            // One byte at a time, each checked on arrival (fail fast); a header is at most 14 bytes.
            byte b = input[consumed++];
            buf[_have] = b;
            error = _have switch
            {
                0 => CheckFirst(b),
                1 => CheckSecond(buf[0], b),
                _ => CheckLengthByte(buf[0], buf[1], b),
            };
            _have++;
            if (error != ProtocolError.None) return HeaderStatus.Invalid;
        }
    }

    // The common case: a whole, valid header already in the input, checked and read in place.
    // Anything else (an error, whose exact byte the caller needs, or a header split across
    // calls) goes through the byte-at-a-time loop.
    private readonly bool TryWhole(ReadOnlySpan<byte> input, out FrameHeader header, out int size)
    {
        header = default;
        size = Required(input[1]);
        if (CheckFirst(input[0]) != ProtocolError.None || CheckSecond(input[0], input[1]) != ProtocolError.None) return false;
        ulong length = (input[1] & 0x7F) switch
        {
            126 => BinaryPrimitives.ReadUInt16BigEndian(input[2..]),
            127 => BinaryPrimitives.ReadUInt64BigEndian(input[2..]),
            var len7 => (ulong)len7,
        };
        // Within the limit means every partial length was too, so the byte loop would pass it.
        if (length > (ulong)Limit(input[0])) return false;
        header = Read(input[..size], (long)length);
        return true;
    }

    private HeaderStatus Finish(ReadOnlySpan<byte> h, out FrameHeader header)
    {
        int len7 = h[1] & 0x7F;
        header = Read(h, len7 < 126 ? len7 : (long)_length);
        _have = 0;
        _length = 0;
        return HeaderStatus.Done;
    }

    private static FrameHeader Read(ReadOnlySpan<byte> h, long payloadLength)
    {
        bool masked = (h[1] & 0x80) != 0;
        return new FrameHeader(
            Fin: (h[0] & 0x80) != 0,
            Rsv1: (h[0] & 0x40) != 0,
            Rsv2: (h[0] & 0x20) != 0,
            Rsv3: (h[0] & 0x10) != 0,
            Opcode: (Opcode)(h[0] & 0x0F),
            Masked: masked,
            MaskKey: masked ? Masking.ReadKey(h[^4..]) : 0,
            PayloadLength: payloadLength);
    }

    private static int Required(byte b1) => 2 + ExtendedLengthBytes(b1) + ((b1 & 0x80) != 0 ? 4 : 0);

    private static int ExtendedLengthBytes(byte b1) => (b1 & 0x7F) switch { 126 => 2, 127 => 8, _ => 0 };

    private readonly ProtocolError CheckFirst(byte b0)
    {
        int opcode = b0 & 0x0F;
        if (!Opcodes.IsDefined(opcode)) return ProtocolError.ReservedOpcode;
        bool control = Opcodes.IsControl((Opcode)opcode);
        if ((b0 & 0x30) != 0) return ProtocolError.ReservedBitsSet; // RSV2, RSV3: no extension of ours uses them
        if ((b0 & 0x40) != 0 && (!_rsv1Allowed || opcode == 0 || control))
            return ProtocolError.ReservedBitsSet; // RSV1 only marks the first frame of a compressed message
        if (control) return (b0 & 0x80) == 0 ? ProtocolError.ControlFrameFragmented : ProtocolError.None;
        if (_sequenced && opcode == 0 && !_messageOpen) return ProtocolError.ContinuationWithoutStart;
        if (_sequenced && opcode != 0 && _messageOpen) return ProtocolError.DataFrameInsideFragmentedMessage;
        return ProtocolError.None;
    }

    private readonly ProtocolError CheckSecond(byte b0, byte b1)
    {
        bool masked = (b1 & 0x80) != 0;
        if (_role == Role.Server && !masked) return ProtocolError.UnmaskedFrameFromClient;
        if (_role == Role.Client && masked) return ProtocolError.MaskedFrameFromServer;
        int len7 = b1 & 0x7F;
        if (Opcodes.IsControl((Opcode)(b0 & 0x0F)))
            return len7 > FrameHeader.MaxControlPayload ? ProtocolError.ControlFrameTooLong : ProtocolError.None;
        return len7 < 126 && len7 > Limit(b0) ? ProtocolError.MessageTooBig : ProtocolError.None;
    }

    // A byte of the extended length or of the mask key. Each length byte narrows the length from
    // below: once even the smallest value the remaining bytes allow is over the limit, fail.
    private ProtocolError CheckLengthByte(byte b0, byte b1, byte b)
    {
        int index = _have - 2;
        int lengthBytes = ExtendedLengthBytes(b1);
        if (index >= lengthBytes) return ProtocolError.None; // mask key
        if (lengthBytes == 8 && index == 0 && b >= 0x80) return ProtocolError.LengthTopBitSet;
        _length = (_length << 8) | b;
        int bitsLeft = 8 * (lengthBytes - 1 - index);
        return _length > ((ulong)Limit(b0) >> bitsLeft) ? ProtocolError.MessageTooBig : ProtocolError.None;
    }

    // The largest payload this data frame may declare.
    private readonly long Limit(byte b0)
        => !_sequenced ? long.MaxValue : (b0 & 0x0F) == 0 ? _continuationLimit : _newMessageLimit;
}
