using System.Buffers.Binary;
using WebSocketKit.Protocol;

namespace WebSocketKit.Fuzz.Targets;

/// <summary>
/// What a correct receiver must make of a whole wire buffer, worked out frame by frame straight
/// from RFC 6455 sections 5.2-5.5 and RFC 7692 section 6 over the complete bytes: no streaming,
/// no shared code with the decoder beyond the types. The frame target checks the streaming
/// decoder against it however the input is split.
/// </summary>
internal sealed class FrameReference
{
    /// <summary>An accepted frame: where it sits on the wire and the message state after it.</summary>
    public sealed record Frame(FrameHeader Header, int Start, int HeaderEnd, bool PayloadComplete,
        Opcode MessageOpcode, bool MessageCompressed, bool InMessageAfter);

    /// <summary>
    /// The frame at <paramref name="FrameIndex"/> must be refused with <paramref name="CloseCode"/>
    /// once byte <paramref name="DecisiveAt"/> - 1 has been read (fail fast); the decoder may not
    /// consume past <paramref name="ConsumeLimit"/>.
    /// </summary>
    public sealed record Failure(int FrameIndex, ushort CloseCode, int DecisiveAt, int ConsumeLimit);

    public List<Frame> Frames { get; } = [];
    public Failure? Fail { get; private set; }

    public static FrameReference Of(ReadOnlySpan<byte> wire, FrameTargetOptions o)
    {
        var r = new FrameReference();
        r.Walk(wire, o);
        return r;
    }

    private void Walk(ReadOnlySpan<byte> wire, FrameTargetOptions o)
    {
        bool inMessage = false, compressed = false;
        Opcode messageOpcode = default;
        long messageLength = 0;
        int pos = 0;
        while (pos < wire.Length)
        {
            int start = pos;
            byte b0 = wire[start];
            bool fin = (b0 & 0x80) != 0, rsv1 = (b0 & 0x40) != 0, rsv2 = (b0 & 0x20) != 0, rsv3 = (b0 & 0x10) != 0;
            int op = b0 & 0x0F;
            bool control = op >= 8;
            bool known = op is 0 or 1 or 2 or 8 or 9 or 10;
            // RSV1 means "compressed" and only on the first frame of a data message (RFC 7692 6).
            bool rsv1Legal = o.Rsv1Negotiated && op is 1 or 2;
            // A refused header may be read up to its end, never into what follows it.
            int limit = wire.Length >= start + 2 ? start + HeaderSize(wire[start + 1]) : start + 2;
            if (!known || rsv2 || rsv3 || (rsv1 && !rsv1Legal) || (control && !fin)) { Refuse(CloseStatus.ProtocolError, start + 1, limit); return; }
            // Fragmentation is decided by the opcode alone (RFC 6455 5.4), so by the first byte.
            bool continuation = op == 0;
            if (!control && continuation != inMessage) { Refuse(CloseStatus.ProtocolError, start + 1, limit); return; }
            if (wire.Length < start + 2) return;

            byte b1 = wire[start + 1];
            bool masked = (b1 & 0x80) != 0;
            int len7 = b1 & 0x7F;
            if (masked != (o.Role == Role.Server) || (control && len7 > 125)) { Refuse(CloseStatus.ProtocolError, start + 2, limit); return; }
            // The most this data frame may declare; the size limit is decided by the first length
            // byte after which even the smallest length still possible is over it.
            long maxLength = control ? long.MaxValue : continuation ? o.MaxMessageSize - messageLength : o.MaxMessageSize;
            if (len7 < 126 && len7 > maxLength) { Refuse(CloseStatus.MessageTooBig, start + 2, limit); return; }
            // The top bit of a 64-bit length is in the first length byte.
            if (len7 == 127 && wire.Length > start + 2 && (wire[start + 2] & 0x80) != 0) { Refuse(CloseStatus.ProtocolError, start + 3, limit); return; }

            int lengthBytes = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
            ulong prefix = 0;
            for (int i = 0; i < lengthBytes && start + 2 + i < wire.Length; i++)
            {
                prefix = (prefix << 8) | wire[start + 2 + i];
                if (prefix > ((ulong)maxLength >> (8 * (lengthBytes - 1 - i)))) { Refuse(CloseStatus.MessageTooBig, start + 3 + i, limit); return; }
            }
            int headerEnd = limit;
            if (wire.Length < headerEnd) return;
            long length = lengthBytes switch
            {
                2 => BinaryPrimitives.ReadUInt16BigEndian(wire[(start + 2)..]),
                8 => (long)BinaryPrimitives.ReadUInt64BigEndian(wire[(start + 2)..]),
                _ => len7,
            };
            uint key = masked ? BinaryPrimitives.ReadUInt32LittleEndian(wire[(headerEnd - 4)..]) : 0;

            if (!control)
            {
                long before = continuation ? messageLength : 0;
                if (!continuation) { messageOpcode = (Opcode)op; compressed = rsv1; }
                messageLength = before + length;
                inMessage = !fin;
            }
            bool complete = length <= wire.Length - headerEnd;
            Frames.Add(new Frame(new FrameHeader(fin, rsv1, rsv2, rsv3, (Opcode)op, masked, key, length),
                start, headerEnd, complete, messageOpcode, compressed, inMessage));
            if (!complete) return;
            pos = headerEnd + (int)length;
        }

        static int HeaderSize(byte b1) => 2 + ((b1 & 0x7F) switch { 126 => 2, 127 => 8, _ => 0 }) + ((b1 & 0x80) != 0 ? 4 : 0);

        void Refuse(ushort code, int decisiveAt, int consumeLimit) => Fail = new Failure(Frames.Count, code, decisiveAt, consumeLimit);
    }
}
