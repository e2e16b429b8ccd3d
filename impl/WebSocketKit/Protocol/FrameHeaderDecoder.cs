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
/// consumes a byte past the header. Checks that need the previous frames (fragmentation, message
/// size) belong to <see cref="FrameDecoder"/>.
/// </summary>
public struct FrameHeaderDecoder
{
    [InlineArray(FrameHeader.MaxSize)]
    private struct HeaderBytes { private byte _b0; }

    private readonly Role _role;
    private readonly bool _rsv1Allowed;
    private HeaderBytes _bytes;
    private int _have;

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
    /// Consumes header bytes from <paramref name="input"/>. On <see cref="HeaderStatus.Done"/>,
    /// <paramref name="consumed"/> is the number of bytes of this input that belonged to the header
    /// and the decoder is ready for the next header. On <see cref="HeaderStatus.Invalid"/> the
    /// decoder must not be used again.
    /// </summary>
    public HeaderStatus Decode(ReadOnlySpan<byte> input, out int consumed, out FrameHeader header, out ProtocolError error)
    {
        header = default;
        consumed = 0;
        Span<byte> buf = _bytes;
        while (true)
        {
            int need = _have < 2 ? 2 : Required(buf[1]);
            if (_have >= need) return Finish(buf[.._have], out header, out error);
            if (consumed == input.Length)
            {
                error = ProtocolError.None;
                return HeaderStatus.NeedMoreData;
            }
            int take = Math.Min(need - _have, input.Length - consumed);
            input.Slice(consumed, take).CopyTo(buf[_have..]);
            int before = _have;
            _have += take;
            consumed += take;
            // Check the first three bytes as soon as each arrives (fail fast).
            if (before < 1 && (error = CheckFirst(buf[0])) != ProtocolError.None) return HeaderStatus.Invalid;
            if (before < 2 && _have >= 2 && (error = CheckSecond(buf[0], buf[1])) != ProtocolError.None) return HeaderStatus.Invalid;
            if (before < 3 && _have >= 3 && (error = CheckThird(buf[1], buf[2])) != ProtocolError.None) return HeaderStatus.Invalid;
        }
    }

    private HeaderStatus Finish(ReadOnlySpan<byte> h, out FrameHeader header, out ProtocolError error)
    {
        header = default;
        _have = 0;
        int len7 = h[1] & 0x7F;
        long length;
        int pos;
        if (len7 == 126) { length = BinaryPrimitives.ReadUInt16BigEndian(h[2..]); pos = 4; }
        // The top bit of a 64-bit length was refused by CheckThird, so the value fits a long.
        else if (len7 == 127) { length = (long)BinaryPrimitives.ReadUInt64BigEndian(h[2..]); pos = 10; }
        else { length = len7; pos = 2; }
        bool masked = (h[1] & 0x80) != 0;
        uint key = masked ? Masking.ReadKey(h[pos..]) : 0;
        header = new FrameHeader(
            Fin: (h[0] & 0x80) != 0,
            Rsv1: (h[0] & 0x40) != 0,
            Rsv2: (h[0] & 0x20) != 0,
            Rsv3: (h[0] & 0x10) != 0,
            Opcode: (Opcode)(h[0] & 0x0F),
            Masked: masked,
            MaskKey: key,
            PayloadLength: length);
        error = ProtocolError.None;
        return HeaderStatus.Done;
    }

    private static int Required(byte b1)
    {
        int len7 = b1 & 0x7F;
        return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((b1 & 0x80) != 0 ? 4 : 0);
    }

    private readonly ProtocolError CheckFirst(byte b0)
    {
        int opcode = b0 & 0x0F;
        if (!Opcodes.IsDefined(opcode)) return ProtocolError.ReservedOpcode;
        if ((b0 & 0x30) != 0) return ProtocolError.ReservedBitsSet; // RSV2, RSV3: no extension of ours uses them
        if ((b0 & 0x40) != 0 && (!_rsv1Allowed || opcode == 0 || Opcodes.IsControl((Opcode)opcode)))
            return ProtocolError.ReservedBitsSet; // RSV1 only marks the first frame of a compressed message
        if (Opcodes.IsControl((Opcode)opcode) && (b0 & 0x80) == 0) return ProtocolError.ControlFrameFragmented;
        return ProtocolError.None;
    }

    // The first byte of a 64-bit length carries its most significant bit, which must be 0.
    private static ProtocolError CheckThird(byte b1, byte b2)
        => (b1 & 0x7F) == 127 && (b2 & 0x80) != 0 ? ProtocolError.LengthTopBitSet : ProtocolError.None;

    private readonly ProtocolError CheckSecond(byte b0, byte b1)
    {
        bool masked = (b1 & 0x80) != 0;
        if (_role == Role.Server && !masked) return ProtocolError.UnmaskedFrameFromClient;
        if (_role == Role.Client && masked) return ProtocolError.MaskedFrameFromServer;
        if (Opcodes.IsControl((Opcode)(b0 & 0x0F)) && (b1 & 0x7F) > FrameHeader.MaxControlPayload)
            return ProtocolError.ControlFrameTooLong;
        return ProtocolError.None;
    }
}
