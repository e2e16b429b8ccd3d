using System.Buffers.Binary;
using WebSocketKit.Protocol;
using static WebSocketKit.Fuzz.Targets.FuzzFindingException;
using static WebSocketKit.Fuzz.Targets.ConnSession;

namespace WebSocketKit.Fuzz.Targets;

/// <summary>
/// A server-side <see cref="Conn"/> reading an arbitrary client byte stream from an
/// <see cref="InMemoryDuplexStream"/> until it fails. Input: an option byte (bits 0-1 read limit,
/// bits 2-3 read buffer size, bit 4 whole messages or <see cref="Conn.NextReaderAsync"/> streams,
/// bits 5-6 the stream read size, bit 7 unused: the compressed path is the conn-deflate target), a
/// <see cref="ChunkSchedule"/> for the pieces the stream hands out, then the client's bytes.
/// The outcome must be what <see cref="FrameReference"/> and the RFC's UTF-8 and close rules say:
/// the same messages delivered (text valid UTF-8), a Pong for each Ping, then either the
/// documented <see cref="WebSocketProtocolException"/> with 1002/1007/1009 and that Close frame on
/// the wire, the peer's close echoed (<see cref="CloseException"/>), or the end of the stream (1006).
/// What Conn wrote is decoded as a client with the Sans-IO decoder.
/// </summary>
public sealed class ConnTarget : IFuzzTarget
{
    private static readonly long[] ReadLimits = [ConnectionOptions.DefaultReadLimit, 1, 125, 65536];
    private static readonly int[] ReadBufferSizes = [4096, 128, 131, 1024];
    private static readonly int[] ReaderChunkSizes = [4096, 1, 7, 1500];

    public string Name => "conn";

    public IEnumerable<FuzzSeed> Seeds() => ConnSeeds.All();

    /// <summary>How the connection under test ends, by the rules read over the whole input.</summary>

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        byte options = input[0];
        long readLimit = ReadLimits[options & 3];
        int readBufferSize = ReadBufferSizes[(options >> 2) & 3];
        bool streaming = (options & 0x10) != 0;
        int readerChunk = ReaderChunkSizes[(options >> 5) & 3];
        // Bit 7 is unused: Conn with permessage-deflate negotiated is the conn-deflate target.
        input = input[1..];
        var schedule = ChunkSchedule.Read(ref input);
        var wire = input.ToArray();
        var pieces = schedule.Pieces(wire.Length);

        var model = Model.Of(wire, readLimit);
        var stream = new InMemoryDuplexStream(wire, pieces);
        var conn = new Conn(stream, Role.Server, new ConnectionOptions
        {
            ReadLimit = readLimit,
            ReadBufferSize = readBufferSize,
            // Never reached: every write completes at once. Long, so no timer could fire in a run.
            CloseTimeout = TimeSpan.FromDays(1),
        });
        var delivered = new List<(MessageType, byte[])>();
        Exception ending;
        while (true)
        {
            try
            {
                delivered.Add(streaming ? ReadStreamed(conn, readerChunk) : Sync(conn.ReadMessageAsync()));
            }
            catch (Exception e) when (e is WebSocketProtocolException or CloseException)
            {
                ending = e;
                break;
            }
        }
        var written = stream.Written;
        conn.Abort();
        if (ending is WebSocketProtocolException early) model.AllowEarlyRefusal(early.CloseCode);

        Check(delivered.Count == model.Messages.Count, $"{delivered.Count} messages delivered, {model.Messages.Count} expected ({ending.Message})");
        for (int i = 0; i < delivered.Count; i++)
        {
            var (type, data) = delivered[i];
            var (expectedType, expectedData) = model.Messages[i];
            Check(type == expectedType && data.AsSpan().SequenceEqual(expectedData), $"message {i}: {type} of {data.Length} bytes, expected {expectedType} of {expectedData.Length}");
            Check(type != MessageType.Text || System.Text.Unicode.Utf8.IsValid(data), $"text message {i} is valid UTF-8");
        }
        CheckEnding(model.Ending, model.CloseCode, ending, stream);
        CheckWritten(written, model);
    }

    private static (MessageType, byte[]) ReadStreamed(Conn conn, int chunk)
    {
        var (type, reader) = Sync(conn.NextReaderAsync());
        var data = new MemoryStream();
        var buffer = new byte[chunk];
        int n;
        while ((n = Sync(reader.ReadAsync(buffer.AsMemory()))) > 0) data.Write(buffer, 0, n);
        return (type, data.ToArray());
    }

    // What the server wrote, read as its client: a Pong per Ping in order, then the Close frame the
    // ending calls for (the error's code, or the peer's code echoed), and nothing after it.
    private static void CheckWritten(byte[] written, Model model)
    {
        var decoder = new FrameDecoder(Role.Client);
        var payload = new byte[FrameHeader.MaxControlPayload];
        var frames = new List<(Opcode, byte[])>();
        int pos = 0, length = 0;
        while (true)
        {
            var ev = decoder.Decode(written.AsSpan(pos), payload.AsSpan(length), out int consumed, out int n);
            pos += consumed;
            length += n;
            if (ev == FrameEvent.NeedMoreData) break;
            Check(ev != FrameEvent.Error, $"the server wrote a frame its client refuses: {decoder.Error}");
            if (ev == FrameEvent.Header) { length = 0; Check(decoder.Header.IsControl, $"the server wrote a {decoder.Header.Opcode} frame"); }
            if (ev == FrameEvent.FrameEnd) frames.Add((decoder.Header.Opcode, payload[..length]));
        }
        Check(pos == written.Length, $"the server's output ends inside a frame ({pos} of {written.Length} bytes)");
        int pongs = frames.Count(f => f.Item1 == Opcode.Pong);
        Check(pongs == model.Pings.Count, $"{pongs} pongs for {model.Pings.Count} pings");
        for (int i = 0; i < pongs; i++)
            Check(frames[i].Item1 == Opcode.Pong && frames[i].Item2.AsSpan().SequenceEqual(model.Pings[i]), $"pong {i} echoes ping {i}");
        bool closes = model.Ending != ConnEnding.EndOfStream;
        Check(frames.Count == pongs + (closes ? 1 : 0), $"{frames.Count} frames written, expected {pongs} pongs{(closes ? " and a close" : "")}");
        if (!closes) return;
        var (opcode, body) = frames[^1];
        Check(opcode == Opcode.Close, "the last frame is a Close");
        var error = ClosePayload.Parse(body, out ushort code, out _);
        Check(error == ProtocolError.None, $"our close body is valid ({error})");
        Check(code == model.CloseCode, $"our close frame says {code}, expected {model.CloseCode}");
    }

    /// <summary>The expected run, from the frames <see cref="FrameReference"/> accepts.</summary>
    private sealed class Model
    {
        public List<(MessageType, byte[])> Messages { get; } = [];
        public List<byte[]> Pings { get; } = [];
        public ConnEnding Ending { get; private set; }
        public ushort CloseCode { get; private set; }

        // A header cut off by the end of the stream that its bytes so far already condemn (the
        // decoder fails fast, e.g. on a continuation with no message open) may end the run with this
        // code instead of 1006.
        private ushort? _earlyRefusal;

        public static Model Of(byte[] wire, long readLimit)
        {
            var m = new Model();
            var options = new FrameTargetOptions(Role.Server, false, readLimit, false, 1);
            var reference = FrameReference.Of(wire, options);
            m.Walk(wire, reference);
            if (m.Ending == ConnEnding.EndOfStream && reference.Fail is null && (reference.Frames.Count == 0 || reference.Frames[^1].PayloadComplete))
            {
                // Complete the cut header with zeros: if that header is refused, the bytes that were
                // there may already have decided it.
                var padded = FrameReference.Of([.. wire, .. new byte[FrameHeader.MaxSize]], options);
                if (padded.Fail is { } f && f.FrameIndex == reference.Frames.Count) m._earlyRefusal = f.CloseCode;
            }
            return m;
        }

        public void AllowEarlyRefusal(ushort code)
        {
            if (Ending == ConnEnding.EndOfStream && _earlyRefusal == code) End(ConnEnding.ProtocolError, code);
        }

        private void Walk(byte[] wire, FrameReference reference)
        {
            var message = new List<byte>();
            var type = MessageType.Binary;
            foreach (var f in reference.Frames)
            {
                var h = f.Header;
                int available = (int)Math.Min(h.PayloadLength, wire.Length - f.HeaderEnd);
                var payload = wire.AsSpan(f.HeaderEnd, available).ToArray();
                Masking.Apply(payload, h.MaskKey, 0);
                if (h.IsControl)
                {
                    if (!f.PayloadComplete) { End(ConnEnding.EndOfStream, CloseStatus.AbnormalClosure); return; }
                    if (h.Opcode == Opcode.Ping) Pings.Add(payload);
                    if (h.Opcode != Opcode.Close) continue;
                    var error = CloseFrameCheck.Expected(payload);
                    if (error != ProtocolError.None) End(ConnEnding.ProtocolError, ProtocolErrors.CloseCode(error));
                    else End(ConnEnding.PeerClose, payload.Length == 0 ? CloseStatus.NoStatusReceived : BinaryPrimitives.ReadUInt16BigEndian(payload));
                    return;
                }
                if (h.Opcode != Opcode.Continuation) { type = (MessageType)h.Opcode; message.Clear(); }
                message.AddRange(payload);
                // Text is checked as it arrives: a byte that no continuation can make valid fails at once.
                bool text = type == MessageType.Text;
                if (text && Utf8Target.BclVerdict(message.ToArray()).FailAt >= 0) { End(ConnEnding.ProtocolError, CloseStatus.InvalidPayloadData); return; }
                if (!f.PayloadComplete) { End(ConnEnding.EndOfStream, CloseStatus.AbnormalClosure); return; }
                if (!h.Fin) continue;
                if (text && !System.Text.Unicode.Utf8.IsValid(message.ToArray())) { End(ConnEnding.ProtocolError, CloseStatus.InvalidPayloadData); return; }
                Messages.Add((type, message.ToArray()));
            }
            if (reference.Fail is { } fail) End(ConnEnding.ProtocolError, fail.CloseCode);
            else End(ConnEnding.EndOfStream, CloseStatus.AbnormalClosure);
        }

        private void End(ConnEnding ending, ushort code) => (Ending, CloseCode) = (ending, code);
    }
}
