using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using WebSocketKit.Protocol;
using Xunit;

namespace WebSocketKit.Tests.Protocol;

/// <summary>
/// Streams of frames, legal or not, read by <see cref="FrameDecoder"/> under any chunking and
/// compared with a model of RFC 6455 section 5.4 and the read limit: the same frames come out,
/// or the same error at the same byte.
/// </summary>
public class FrameSequenceProperties
{
    public sealed record Frame(Opcode Opcode, bool Fin, byte[] Payload)
    {
        public override string ToString() => $"{Opcode}{(Fin ? "" : "(more)")}:{Payload.Length}";
    }

    public sealed record StreamCase(Frame[] Frames, bool Masked, long Limit, Chunking Chunking)
    {
        public override string ToString() => $"[{string.Join(" ", Frames.Select(f => f.ToString()))}] masked={Masked} limit={Limit} {Chunking}";
    }

    private static readonly Gen<Frame> AnyFrame =
        from opcode in Gen.Elements(Opcode.Text, Opcode.Binary, Opcode.Continuation, Opcode.Continuation, Opcode.Ping, Opcode.Pong, Opcode.Close)
        from fin in Opcodes.IsControl(opcode) ? Gen.Constant(true) : Gen.Elements(true, false, false)
        from length in Gen.OneOf(Gen.Choose(0, 3), Gen.Choose(120, 130), Gen.Choose(250, 300))
            .Select(n => Opcodes.IsControl(opcode) ? Math.Min(n, 125) : n)
        from seed in Gen.Choose(0, int.MaxValue)
        select new Frame(opcode, fin, Hex.Random(seed, length));

    private static readonly Gen<StreamCase> Streams =
        from frames in Gen.Choose(1, 8).SelectMany(n => AnyFrame.ArrayOf(n))
        from masked in Gen.Elements(false, true)
        from limit in Gen.OneOf(Gen.Constant(long.MaxValue), Gen.Choose(0, 700).Select(n => (long)n))
        from chunking in Chunking.Gen
        select new StreamCase(frames, masked, limit, chunking);

    private static readonly uint Key = 0xA1B2C3D4;

    [Property(MaxTest = 300)]
    public Property A_frame_stream_decodes_to_its_frames_or_to_the_first_sequence_error_at_the_byte_that_shows_it()
        => Prop.ForAll(Streams.ToArbitrary(), c =>
        {
            var (wire, starts) = Encode(c);
            var expected = Model(c, wire, starts);

            var decoder = new FrameDecoder(c.Masked ? Role.Server : Role.Client, c.Limit);
            var destination = new byte[97];
            var frames = new List<Frame>();
            var payload = new List<byte>();
            FrameHeader header = default;
            int position = 0;
            for (int call = 0; position < wire.Length || frames.Count < c.Frames.Length; call++)
            {
                Assert.True(call < 3 * wire.Length + 10, "the decoder stopped making progress");
                var piece = c.Chunking.Piece(wire, position, call);
                var ev = decoder.Decode(piece, destination, out int consumed, out int written);
                Assert.InRange(consumed, 0, piece.Length);
                position += consumed;
                switch (ev)
                {
                    case FrameEvent.Header: header = decoder.Header; payload.Clear(); break;
                    case FrameEvent.Payload: payload.AddRange(destination.AsSpan(0, written)); break;
                    case FrameEvent.FrameEnd: frames.Add(new Frame(header.Opcode, header.Fin, payload.ToArray())); break;
                    case FrameEvent.Error:
                        Assert.Equal(expected, (decoder.Error, position - 1));
                        Assert.Equal(decoder.Error == ProtocolError.MessageTooBig ? 1009 : 1002, decoder.ErrorCloseCode);
                        return;
                    case FrameEvent.NeedMoreData:
                        Assert.Equal(piece.Length, consumed);
                        Assert.True(piece.Length > 0, "the decoder asked for more although the stream was complete");
                        break;
                }
            }
            Assert.Null(expected);
            Assert.Equal(wire.Length, position);
            Assert.Equal(c.Frames.Length, frames.Count);
            for (int i = 0; i < frames.Count; i++)
            {
                Assert.Equal((c.Frames[i].Opcode, c.Frames[i].Fin), (frames[i].Opcode, frames[i].Fin));
                Assert.Equal(c.Frames[i].Payload, frames[i].Payload);
            }
        });

    private static (byte[] wire, int[] starts) Encode(StreamCase c)
    {
        var wire = new byte[c.Frames.Sum(f => FrameHeader.MaxSize + f.Payload.Length)];
        var starts = new int[c.Frames.Length];
        int n = 0;
        for (int i = 0; i < c.Frames.Length; i++)
        {
            starts[i] = n;
            var f = c.Frames[i];
            n += FrameEncoder.WriteFrame(wire.AsSpan(n), f.Fin, f.Opcode, f.Payload, c.Masked, Key);
        }
        return (wire[..n], starts);
    }

    // The rules, frame by frame: a continuation needs an open message, a new data frame needs none,
    // and the message's bytes so far may not pass the limit. An opcode error shows on the frame's
    // first byte; a size error on the first length byte after which even the smallest length the
    // remaining bytes could spell is over what is left of the limit.
    private static (ProtocolError, int)? Model(StreamCase c, byte[] wire, int[] starts)
    {
        bool open = false;
        long messageLength = 0;
        for (int i = 0; i < c.Frames.Length; i++)
        {
            var f = c.Frames[i];
            int at = starts[i];
            if (Opcodes.IsControl(f.Opcode)) continue;
            bool continuation = f.Opcode == Opcode.Continuation;
            if (continuation && !open) return (ProtocolError.ContinuationWithoutStart, at);
            if (!continuation && open) return (ProtocolError.DataFrameInsideFragmentedMessage, at);
            long soFar = continuation ? messageLength : 0;
            if (soFar + f.Payload.Length > c.Limit)
                return (ProtocolError.MessageTooBig, at + SizeErrorIndex(wire.AsSpan(at), c.Limit - soFar));
            messageLength = soFar + f.Payload.Length;
            open = !f.Fin;
        }
        return null;
    }

    private static int SizeErrorIndex(ReadOnlySpan<byte> header, long allowed)
    {
        int len7 = header[1] & 0x7F;
        if (len7 < 126) return 1;
        int digits = len7 == 126 ? 2 : 8;
        BigInteger known = 0;
        for (int j = 0; j < digits; j++)
        {
            known = known * 256 + header[2 + j];
            if (known * BigInteger.Pow(256, digits - 1 - j) > allowed) return 2 + j;
        }
        throw new InvalidOperationException("the length is within the limit");
    }
}
