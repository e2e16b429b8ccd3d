using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using WebSocketKit.Protocol;
using Xunit;

namespace WebSocketKit.Tests.Protocol;

/// <summary>
/// Any frame the encoder writes, the decoders read back unchanged, however the bytes are split;
/// and a legal header spoiled in any one way the RFC forbids is rejected with the right error at
/// the byte that spoils it.
/// </summary>
public class FrameCodecProperties
{
    private static readonly Opcode[] DataOpcodes = [Opcode.Continuation, Opcode.Text, Opcode.Binary];
    private static readonly Opcode[] ControlOpcodes = [Opcode.Close, Opcode.Ping, Opcode.Pong];

    // Lengths on and around every boundary of the three length forms, and far into the 64-bit one.
    private static readonly Gen<long> DataLength =
        Gen.Elements(0L, 125L, 126L, 127L, 65535L, 65536L, 1L << 32, long.MaxValue)
            .SelectMany(b => Gen.Choose(-2, 2).Select(d => Math.Clamp(b + d, 0, long.MaxValue)));

    private static readonly Gen<long> ControlLength =
        Gen.OneOf(Gen.Elements(0, 1, 124, 125), Gen.Choose(0, 125)).Select(n => (long)n);

    /// <summary>Every legal header shape: data frames with any FIN and RSV1 on a message's first frame; control frames FIN and short.</summary>
    private static readonly Gen<FrameHeader> LegalHeader =
        from control in Gen.Elements(false, true)
        from opcode in Gen.Elements(control ? ControlOpcodes : DataOpcodes)
        from fin in control ? Gen.Constant(true) : Gen.Elements(false, true)
        from rsv1 in opcode is Opcode.Text or Opcode.Binary ? Gen.Elements(false, true) : Gen.Constant(false)
        from masked in Gen.Elements(false, true)
        from key in Gen.Choose(int.MinValue, int.MaxValue).Select(k => masked ? (uint)k : 0u)
        from length in control ? ControlLength : DataLength
        select new FrameHeader(fin, rsv1, false, false, opcode, masked, key, length);

    public sealed record HeaderCase(FrameHeader Header, int TrailingBytes, Chunking Chunking);

    [Property(MaxTest = 400)]
    public Property Any_legal_header_decodes_to_itself_under_any_chunking_and_no_byte_past_it_is_read()
    {
        var gen = from h in LegalHeader
                  from trailing in Gen.Choose(0, 20)
                  from chunking in Chunking.Gen
                  select new HeaderCase(h, trailing, chunking);
        return Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var wire = new byte[FrameHeader.MaxSize + c.TrailingBytes];
            int size = FrameEncoder.WriteHeader(wire, c.Header);
            Assert.Equal(FrameHeader.SizeFor(c.Header.PayloadLength, c.Header.Masked), size);
            wire.AsSpan(size).Fill(0xFF); // what follows the header must stay unread
            var input = wire.AsSpan(0, size + c.TrailingBytes);

            var decoder = new FrameHeaderDecoder(c.Header.Masked ? Role.Server : Role.Client, rsv1Allowed: true);
            int position = 0;
            for (int call = 0; ; call++)
            {
                var piece = c.Chunking.Piece(input, position, call);
                var status = decoder.Decode(piece, out int consumed, out var decoded, out var error);
                Assert.InRange(consumed, 0, piece.Length);
                position += consumed;
                Assert.NotEqual(HeaderStatus.Invalid, status);
                if (status == HeaderStatus.Done)
                {
                    Assert.Equal(size, position);
                    Assert.Equal(c.Header, decoded);
                    Assert.Equal(ProtocolError.None, error);
                    Assert.False(decoder.InProgress);
                    return;
                }
                Assert.Equal(piece.Length, consumed); // NeedMoreData means all of it was taken
                Assert.True(position < size, "the decoder asked for more after the header was complete");
            }
        });
    }

    public sealed record FrameCase(FrameHeader Header, byte[] Payload, Chunking Chunking, int DestinationSize)
    {
        public override string ToString()
            => $"{Header} payload={Hex.Of(Payload)} {Chunking} destination={DestinationSize}";
    }

    // Whole frames, payload included, with lengths near the 7- and 16-bit boundaries.
    private static readonly Gen<FrameCase> WholeFrame =
        from h in LegalHeader
        from length in Gen.OneOf(
            Gen.Elements(0, 1, 125, 126, 127, 65535, 65536),
            Gen.Choose(0, 300)).Select(n => h.IsControl ? Math.Min(n, 125) : n)
        from seed in Gen.Choose(0, int.MaxValue)
        from chunking in Chunking.Gen
        from destination in Gen.Elements(1, 3, 64, 100000)
        select new FrameCase(h with { PayloadLength = length }, Hex.Random(seed, length), chunking, destination);

    [Property(MaxTest = 150)]
    public Property Any_whole_frame_encoded_then_decoded_under_any_chunking_gives_back_header_and_payload()
    {
        return Prop.ForAll(WholeFrame.ToArbitrary(), c =>
        {
            var h = c.Header;
            var wire = new byte[FrameHeader.MaxSize + c.Payload.Length];
            int size = FrameEncoder.WriteFrame(wire, h.Fin, h.Opcode, c.Payload, h.Masked, h.MaskKey, h.Rsv1);
            var input = wire.AsSpan(0, size);
            // A continuation needs an open message: give it one with an empty unfinished Binary frame.
            var decoder = new FrameDecoder(h.Masked ? Role.Server : Role.Client, compressionNegotiated: true);
            if (h.Opcode == Opcode.Continuation) OpenMessage(ref decoder, h.Masked);

            var destination = new byte[c.DestinationSize];
            var payload = new List<byte>();
            int position = 0, headers = 0;
            for (int call = 0; ; call++)
            {
                var piece = c.Chunking.Piece(input, position, call);
                var ev = decoder.Decode(piece, destination, out int consumed, out int written);
                Assert.InRange(consumed, 0, piece.Length);
                position += consumed;
                switch (ev)
                {
                    case FrameEvent.Header:
                        headers++;
                        Assert.Equal(h, decoder.Header);
                        break;
                    case FrameEvent.Payload:
                        payload.AddRange(destination.AsSpan(0, written));
                        break;
                    case FrameEvent.FrameEnd:
                        Assert.Equal(1, headers);
                        Assert.Equal(size, position);
                        Assert.Equal(c.Payload, payload.ToArray());
                        return;
                    case FrameEvent.NeedMoreData:
                        Assert.Equal(piece.Length, consumed);
                        Assert.True(position < size, "the decoder asked for more after the frame was complete");
                        break;
                    default:
                        Assert.Fail($"{ev}: {decoder.Error}");
                        break;
                }
            }
        });
    }

    private static void OpenMessage(ref FrameDecoder decoder, bool masked)
    {
        Span<byte> start = stackalloc byte[FrameHeader.MaxSize];
        int n = FrameEncoder.WriteHeader(start, fin: false, Opcode.Binary, 0, masked, 0x01020304);
        Assert.Equal(FrameEvent.Header, decoder.Decode(start[..n], default, out int consumed, out _));
        Assert.Equal(n, consumed);
        Assert.Equal(FrameEvent.FrameEnd, decoder.Decode(default, default, out _, out _));
    }

    /// <summary>One way to spoil a legal header, with the error it must cause and the index of the byte that shows it.</summary>
    public enum Spoil
    {
        Rsv2,
        Rsv3,
        Rsv1WithoutExtension,
        Rsv1OnContinuationOrControlWithExtension,
        ReservedOpcode,
        ControlNotFin,
        ControlLongerThan125,
        WrongMaskForRole,
        LengthTopBit,
    }

    public sealed record SpoiledCase(FrameHeader Legal, Spoil Spoil, int Variant, Chunking Chunking);

    [Property(MaxTest = 400)]
    public Property A_legal_header_spoiled_one_way_fails_with_its_error_and_close_code_at_the_byte_that_shows_it()
    {
        var gen = from spoil in Gen.Elements(Enum.GetValues<Spoil>())
                  from legal in LegalHeader.Where(h => Applies(spoil, h))
                  from variant in Gen.Choose(0, 255)
                  from chunking in Chunking.Gen
                  select new SpoiledCase(legal, spoil, variant, chunking);
        return Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var wire = new byte[FrameHeader.MaxSize];
            int size = FrameEncoder.WriteHeader(wire, c.Legal);
            var role = c.Legal.Masked ? Role.Server : Role.Client;
            bool rsv1Allowed = true;
            (ProtocolError error, int index) expected;
            switch (c.Spoil)
            {
                case Spoil.Rsv2: wire[0] |= 0x20; expected = (ProtocolError.ReservedBitsSet, 0); break;
                case Spoil.Rsv3: wire[0] |= 0x10; expected = (ProtocolError.ReservedBitsSet, 0); break;
                case Spoil.Rsv1WithoutExtension:
                    wire[0] |= 0x40; rsv1Allowed = false; expected = (ProtocolError.ReservedBitsSet, 0); break;
                case Spoil.Rsv1OnContinuationOrControlWithExtension:
                    wire[0] |= 0x40; expected = (ProtocolError.ReservedBitsSet, 0); break;
                case Spoil.ReservedOpcode:
                    int[] reserved = [3, 4, 5, 6, 7, 11, 12, 13, 14, 15];
                    wire[0] = (byte)((wire[0] & 0xF0) | reserved[c.Variant % reserved.Length]);
                    expected = (ProtocolError.ReservedOpcode, 0); break;
                case Spoil.ControlNotFin: wire[0] &= 0x7F; expected = (ProtocolError.ControlFrameFragmented, 0); break;
                case Spoil.ControlLongerThan125:
                    wire[1] = (byte)((wire[1] & 0x80) | (126 + c.Variant % 2));
                    expected = (ProtocolError.ControlFrameTooLong, 1); break;
                case Spoil.WrongMaskForRole:
                    role = role == Role.Server ? Role.Client : Role.Server;
                    expected = (c.Legal.Masked ? ProtocolError.MaskedFrameFromServer : ProtocolError.UnmaskedFrameFromClient, 1); break;
                case Spoil.LengthTopBit: wire[2] |= 0x80; expected = (ProtocolError.LengthTopBitSet, 2); break;
                default: throw new InvalidOperationException(c.Spoil.ToString());
            }

            var decoder = new FrameHeaderDecoder(role, rsv1Allowed);
            var input = wire.AsSpan(0, size);
            int position = 0;
            for (int call = 0; ; call++)
            {
                var piece = c.Chunking.Piece(input, position, call);
                var status = decoder.Decode(piece, out int consumed, out _, out var error);
                Assert.InRange(consumed, 0, piece.Length);
                position += consumed;
                if (status == HeaderStatus.Invalid)
                {
                    Assert.Equal(expected.error, error);
                    Assert.Equal(expected.index + 1, position); // nothing after the offending byte was read
                    Assert.Equal(CloseStatus.ProtocolError, ProtocolErrors.CloseCode(error));
                    return;
                }
                Assert.Equal(HeaderStatus.NeedMoreData, status);
                Assert.True(position <= expected.index, $"byte {expected.index} was read without the error being reported");
            }
        });
    }

    private static bool Applies(Spoil spoil, FrameHeader h) => spoil switch
    {
        Spoil.Rsv1WithoutExtension => h.Opcode is Opcode.Text or Opcode.Binary && !h.Rsv1,
        Spoil.Rsv1OnContinuationOrControlWithExtension => h.Opcode == Opcode.Continuation || h.IsControl,
        Spoil.ControlNotFin or Spoil.ControlLongerThan125 => h.IsControl,
        Spoil.LengthTopBit => h.PayloadLength > ushort.MaxValue,
        _ => true,
    };
}
