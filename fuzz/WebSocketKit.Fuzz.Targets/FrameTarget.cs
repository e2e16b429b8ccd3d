using WebSocketKit.Protocol;
using static WebSocketKit.Fuzz.Targets.FuzzFindingException;

namespace WebSocketKit.Fuzz.Targets;

/// <summary>
/// The frame decoder (and the header decoder inside it) fed an arbitrary byte stream in pieces
/// the input chooses, as either role, with or without RSV1 negotiated, under a size limit and a
/// destination size the input chooses. Input: an option byte (<see cref="FrameTargetOptions"/>),
/// a <see cref="ChunkSchedule"/>, then the wire bytes. Every event is checked against
/// <see cref="FrameReference"/> and against the decoder's own contract.
/// </summary>
public sealed class FrameTarget : IFuzzTarget
{
    public string Name => "frame";

    public IEnumerable<FuzzSeed> Seeds() => FrameSeeds.All();

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        var options = FrameTargetOptions.FromByte(input[0]);
        input = input[1..];
        var schedule = ChunkSchedule.Read(ref input);
        new Execution(input, options).Feed(ref schedule);
    }

    // One execution: the decoder, the expected outcome and the position on the wire.
    private sealed class Execution(ReadOnlySpan<byte> wire, FrameTargetOptions options)
    {
        private readonly byte[] _wire = wire.ToArray();
        private readonly FrameReference _expected = FrameReference.Of(wire, options);
        private readonly byte[] _destination = new byte[options.DestinationSize];
        private FrameDecoder _decoder = new(options.Role, options.MaxMessageSize, options.Rsv1Negotiated);
        private int _pos;           // wire bytes consumed so far
        private int _frame = -1;    // index of the current frame in the reference
        private long _delivered;    // payload bytes of the current frame delivered so far
        private int _frameEnds;
        private long _events;

        public void Feed(ref ChunkSchedule schedule)
        {
            // A piece is copied out of the wire so that in-place decoding may overwrite it while the
            // original bytes stay available for checking.
            var piece = new byte[_wire.Length];
            while (_pos < _wire.Length)
            {
                int size = schedule.Next(_wire.Length - _pos);
                _wire.AsSpan(_pos, size).CopyTo(piece);
                if (!FeedPiece(piece.AsSpan(0, size))) return;
            }
            Finish();
        }

        // Returns false once the decoder has failed the connection.
        private bool FeedPiece(Span<byte> input)
        {
            while (true)
            {
                // Every event but NeedMoreData and FrameEnd consumes a byte, and pieces are never
                // empty twice in a row, so this bounds a decoder that stops making progress.
                Check(++_events <= 8L * (_wire.Length + 1), "the decoder makes progress");
                var destination = options.InPlace ? input : _destination;
                var ev = _decoder.Decode(input, destination, out int consumed, out int written);
                Check(consumed >= 0 && consumed <= input.Length, $"consumed {consumed} is within the {input.Length} bytes given");
                Check(written == 0 || ev == FrameEvent.Payload, $"only Payload writes, {ev} wrote {written}");
                _pos += consumed;
                switch (ev)
                {
                    case FrameEvent.NeedMoreData:
                        Check(consumed == input.Length, "NeedMoreData only when all input was used");
                        Check(_expected.Fail is null || _pos < _expected.Fail.DecisiveAt,
                            $"a protocol error is reported as soon as its byte arrives (byte {_expected.Fail?.DecisiveAt - 1}, read up to {_pos})");
                        return true;
                    case FrameEvent.Header: OnHeader(); break;
                    case FrameEvent.Payload: OnPayload(destination, consumed, written); break;
                    case FrameEvent.FrameEnd: OnFrameEnd(consumed); break;
                    case FrameEvent.Error: OnError(); return false;
                    default: throw new FuzzFindingException($"undefined event {ev}");
                }
                input = input[consumed..];
            }
        }

        private void OnHeader()
        {
            _frame++;
            _delivered = 0;
            var fail = _expected.Fail;
            Check(fail is null || fail.FrameIndex != _frame, $"frame {_frame} is refused (close {fail?.CloseCode}), yet its header was accepted");
            Check(_frame < _expected.Frames.Count, $"no frame {_frame} on the wire, yet a header was decoded");
            var want = _expected.Frames[_frame];
            var got = _decoder.Header;
            Check(got == want.Header, $"frame {_frame}: decoded {got}, the wire says {want.Header}");
            Check(_pos == want.HeaderEnd, $"frame {_frame}: header ends at {want.HeaderEnd}, decoder consumed up to {_pos}");
            Check(_decoder.PayloadRemaining == got.PayloadLength, "the whole payload is still to come after the header");
            if (!got.IsControl)
            {
                Check(_decoder.MessageOpcode == want.MessageOpcode, $"message type {_decoder.MessageOpcode}, expected {want.MessageOpcode}");
                Check(_decoder.MessageCompressed == want.MessageCompressed, "message compressed flag follows RSV1 of its first frame");
            }
            Check(_decoder.InMessage == want.InMessageAfter, $"InMessage is {_decoder.InMessage} after frame {_frame}");
            CheckReencoding(got, _wire.AsSpan(want.Start, want.HeaderEnd - want.Start));
        }

        // The encoder writes the shortest length form; a header that used it comes back byte for byte,
        // one that did not comes back shorter but decodes to the same header.
        private void CheckReencoding(in FrameHeader header, ReadOnlySpan<byte> wireHeader)
        {
            Span<byte> encoded = stackalloc byte[FrameHeader.MaxSize];
            int n = FrameEncoder.WriteHeader(encoded, header);
            Check(n == header.Size && n == FrameHeader.SizeFor(header.PayloadLength, header.Masked), $"encoded header size {n} matches Size {header.Size}");
            if (wireHeader.Length == n)
            {
                Check(encoded[..n].SequenceEqual(wireHeader), $"re-encoding {header} gives back the wire bytes {Convert.ToHexString(wireHeader)}, not {Convert.ToHexString(encoded[..n])}");
                return;
            }
            Check(n < wireHeader.Length, $"the shortest form ({n} bytes) is not longer than the wire form ({wireHeader.Length})");
            var again = new FrameHeaderDecoder(options.Role, options.Rsv1Negotiated);
            var status = again.Decode(encoded[..n], out int used, out var decoded, out var error);
            Check(status == HeaderStatus.Done && used == n && decoded == header, $"the shortest form of {header} decodes back to it ({status}, {error}, {decoded})");
        }

        private void OnPayload(ReadOnlySpan<byte> destination, int consumed, int written)
        {
            var want = _expected.Frames[_frame];
            Check(written > 0 && written == consumed && written <= destination.Length, $"a Payload event moves input to output one to one (consumed {consumed}, written {written})");
            Check(_delivered + written <= want.Header.PayloadLength, "payload does not run past the frame");
            for (int i = 0; i < written; i++)
            {
                byte expected = UnmaskedByte(want, _delivered + i);
                if (destination[i] != expected)
                    throw new FuzzFindingException($"frame {_frame}: payload byte {_delivered + i} is {destination[i]:X2}, expected {expected:X2}");
            }
            _delivered += written;
            Check(_decoder.PayloadRemaining == want.Header.PayloadLength - _delivered, "PayloadRemaining counts down the delivered bytes");
        }

        // Payload byte j of a frame, unmasked by the definition of RFC 6455 section 5.3.
        private byte UnmaskedByte(FrameReference.Frame frame, long j)
            => (byte)(_wire[frame.HeaderEnd + (int)j] ^ (frame.Header.Masked ? (byte)(frame.Header.MaskKey >> (int)(8 * (j & 3))) : 0));

        private byte[] Unmasked(FrameReference.Frame frame)
        {
            var payload = new byte[frame.Header.PayloadLength];
            for (int j = 0; j < payload.Length; j++) payload[j] = UnmaskedByte(frame, j);
            return payload;
        }

        private void OnFrameEnd(int consumed)
        {
            Check(consumed == 0, "FrameEnd consumes nothing");
            Check(_frame >= 0, "FrameEnd comes after a Header");
            var frame = _expected.Frames[_frame];
            Check(_delivered == frame.Header.PayloadLength, $"frame {_frame} ended after {_delivered} payload bytes");
            _frameEnds++;
            if (frame.Header.Opcode == Opcode.Close) CloseFrameCheck.Verify(Unmasked(frame));
        }

        private void OnError()
        {
            var error = _decoder.Error;
            ushort code = _decoder.ErrorCloseCode;
            Check(error != ProtocolError.None, "an Error event names an error");
            Check(code is CloseStatus.ProtocolError or CloseStatus.InvalidPayloadData or CloseStatus.MessageTooBig,
                $"{error} fails with close code {code}, which a frame decoder never sends");
            var fail = _expected.Fail;
            Check(fail is not null, $"the decoder refused valid input at byte {_pos}: {error}");
            Check(fail!.FrameIndex == _frame + 1, $"the error belongs to frame {fail.FrameIndex}, reported in frame {_frame + 1}: {error}");
            Check(code == fail.CloseCode, $"{error} closes with {code}, expected {fail.CloseCode}");
            Check(_pos <= fail.ConsumeLimit, $"the decoder read past the refused header (to {_pos}, header ends at {fail.ConsumeLimit})");
            // A failed decoder stays failed.
            var again = _decoder.Decode(_wire.AsSpan(_pos), _destination, out int consumed, out int written);
            Check(again == FrameEvent.Error && consumed == 0 && written == 0 && _decoder.Error == error, "a failed decoder stays failed");
        }

        private void Finish()
        {
            var fail = _expected.Fail;
            Check(fail is null, $"frame {fail?.FrameIndex} breaks the protocol (close {fail?.CloseCode}), the decoder accepted it");
            int complete = _expected.Frames.Count(f => f.PayloadComplete);
            Check(_frameEnds == complete, $"{complete} whole frames on the wire, {_frameEnds} FrameEnd events");
        }
    }
}
