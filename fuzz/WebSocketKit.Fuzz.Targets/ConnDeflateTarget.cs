using System.Buffers;
using WebSocketKit.Protocol;
using static WebSocketKit.Fuzz.Targets.FuzzFindingException;
using static WebSocketKit.Fuzz.Targets.ConnSession;

namespace WebSocketKit.Fuzz.Targets;

/// <summary>
/// A <see cref="Conn"/> with permessage-deflate negotiated, on either role, reading an arbitrary peer
/// byte stream from an <see cref="InMemoryDuplexStream"/> until it fails, and optionally echoing each
/// message back (compressed as the agreed parameters say). Input: three option bytes
/// (<see cref="ConnDeflateOptions"/>: role, any of the 256 agreed parameter combinations, read limit,
/// read buffer size, read mode, echo mode, threshold, level), a <see cref="ChunkSchedule"/> for the
/// pieces the stream hands out, then the peer's bytes.
/// The reference is a <see cref="MessageReceiver"/> with the same role, limit and parameters given
/// the whole wire at once (the receiver target checks that the split does not matter to it): Conn
/// must deliver the same messages, answer each Ping, and end as that receiver does (the documented
/// <see cref="WebSocketProtocolException"/> with its code, the peer's close echoed, or 1006 at the end
/// of the stream). What Conn wrote, read by a receiver of the peer's role with the same parameters,
/// must be the pongs and echoes in order (echoes inflating to the messages, compressed exactly when
/// at least the threshold long), then the Close frame the ending calls for.
/// </summary>
public sealed class ConnDeflateTarget : IFuzzTarget
{
    public string Name => "conn-deflate";

    public IEnumerable<FuzzSeed> Seeds() => ConnDeflateSeeds.All();


    private sealed record Event(string Kind, MessageType Type, byte[] Data)
    {
        public override string ToString() => Kind == "message" ? $"{Type}({Data.Length} bytes)" : $"{Kind}({Data.Length} bytes)";
    }

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.Length < ConnDeflateOptions.Size) return;
        var o = ConnDeflateOptions.Read(input);
        input = input[ConnDeflateOptions.Size..];
        var schedule = ChunkSchedule.Read(ref input);
        var wire = input.ToArray();
        var pieces = schedule.Pieces(wire.Length);

        var expected = Transcript.Of(o.Role, o.ReadLimit, o.Compression, wire, wire.Length);
        if (expected is null) return; // past the reference's budget: slow, not wrong

        var stream = new InMemoryDuplexStream(wire, pieces);
        var conn = new Conn(stream, o.Role, new ConnectionOptions
        {
            ReadLimit = o.ReadLimit,
            ReadBufferSize = o.ReadBufferSize,
            // Never reached: every write completes at once. Long, so no timer could fire in a run.
            CloseTimeout = TimeSpan.FromDays(1),
        }, compression: o.Compression);
        Check(conn.Compression == o.Compression, "Conn runs with the parameters it was given");
        var delivered = new List<(MessageType Type, byte[] Data)>();
        Exception ending;
        while (true)
        {
            (MessageType, byte[]) message;
            try
            {
                message = Read(conn, o);
            }
            catch (Exception e) when (e is WebSocketProtocolException or CloseException)
            {
                ending = e;
                break;
            }
            delivered.Add(message);
            if (o.Echo) Echo(conn, message, o);
        }
        var written = stream.Written;
        conn.Abort();

        var messages = expected.Events.Where(e => e.Kind == "message").ToList();
        Check(delivered.Count == messages.Count, $"{delivered.Count} messages delivered, {messages.Count} expected ({ending.Message})");
        for (int i = 0; i < delivered.Count; i++)
        {
            var (type, data) = delivered[i];
            Check(type == messages[i].Type && data.AsSpan().SequenceEqual(messages[i].Data),
                $"message {i}: {type} of {data.Length} bytes, expected {messages[i].Type} of {messages[i].Data.Length}");
        }
        CheckEnding(expected.Ending, expected.Code, ending, stream);
        CheckWritten(written, expected, o);
    }

    private static (MessageType, byte[]) Read(Conn conn, ConnDeflateOptions o)
    {
        switch (o.ReadMode)
        {
            case ConnReadMode.BufferWriter:
                var writer = new ArrayBufferWriter<byte>();
                var t = Sync(conn.ReadMessageAsync(writer));
                return (t, writer.WrittenSpan.ToArray());
            case ConnReadMode.Streamed:
                var (type, reader) = Sync(conn.NextReaderAsync());
                var data = new MemoryStream();
                var buffer = new byte[o.ChunkSize];
                int n;
                while ((n = Sync(reader.ReadAsync(buffer.AsMemory()))) > 0) data.Write(buffer, 0, n);
                return (type, data.ToArray());
            default:
                return Sync(conn.ReadMessageAsync());
        }
    }

    // The message goes back as it came, in one call or through a message stream in chunks. Conn is
    // open here (the read just succeeded) and every write completes at once, so nothing may throw.
    private static void Echo(Conn conn, (MessageType Type, byte[] Data) message, ConnDeflateOptions o)
    {
        if (!o.StreamedEcho)
        {
            Sync(conn.WriteMessageAsync(message.Type, message.Data));
            return;
        }
        using var stream = conn.NextWriter(message.Type);
        for (int i = 0; i < message.Data.Length; i += o.ChunkSize)
            stream.Write(message.Data, i, Math.Min(o.ChunkSize, message.Data.Length - i));
    }

    // What Conn wrote, read by its peer: in the order the reference saw them, a Pong per Ping and the
    // echo of each message, then the Close frame (the error's code, or the peer's code echoed).
    private static void CheckWritten(byte[] written, Transcript expected, ConnDeflateOptions o)
    {
        var peer = o.Role == Role.Server ? Role.Client : Role.Server;
        var seen = Transcript.Of(peer, long.MaxValue, o.Compression, written, written.Length);
        Check(seen is not null, "what Conn wrote reads back within the budget");
        var want = new List<Event>();
        foreach (var e in expected.Events)
        {
            if (e.Kind == "ping") want.Add(e with { Kind = "pong" });
            if (e.Kind == "message" && o.Echo) want.Add(e);
        }
        var got = seen!.Events;
        Check(got.Count == want.Count, $"Conn wrote [{string.Join(", ", got)}], expected [{string.Join(", ", want)}]");
        for (int i = 0; i < got.Count; i++)
        {
            Check(got[i].Kind == want[i].Kind && got[i].Type == want[i].Type && got[i].Data.AsSpan().SequenceEqual(want[i].Data),
                $"written {i}: {got[i]}, expected {want[i]}");
            if (got[i].Kind == "message" && !o.StreamedEcho)
                Check(seen.Compressed[i] == (got[i].Data.Length >= o.Compression.Threshold),
                    $"an echo of {got[i].Data.Length} bytes {(seen.Compressed[i] ? "was" : "was not")} compressed with the threshold at {o.Compression.Threshold}");
        }
        if (expected.Ending == ConnEnding.EndOfStream)
        {
            Check(seen.Ending == ConnEnding.EndOfStream && seen.Consumed == written.Length, $"nothing after the last frame ({seen.Ending}, {seen.Consumed} of {written.Length} bytes)");
            return;
        }
        Check(seen.Ending == ConnEnding.PeerClose, $"Conn ends what it writes with a valid Close ({seen.Ending} {seen.Code})");
        Check(seen.Code == expected.Code, $"our close frame says {seen.Code}, expected {expected.Code}");
        Check(seen.Consumed == written.Length, $"nothing after our Close ({seen.Consumed} of {written.Length} bytes)");
    }

    /// <summary>What a receiver reads from a whole byte stream: messages and control frames in order, and how it ends.</summary>
    private sealed class Transcript
    {
        private const long MaxDelivered = 8 << 20;
        private const long MaxCalls = 1_000_000;

        public List<Event> Events { get; } = [];
        public List<bool> Compressed { get; } = []; // per event: a message that came compressed
        public ConnEnding Ending { get; private set; }
        public ushort Code { get; private set; }
        public int Consumed { get; private set; }

        public static Transcript? Of(Role role, long limit, WebSocketKit.Protocol.Compression.PerMessageDeflateParameters compression, byte[] wire, int length)
        {
            var t = new Transcript();
            var receiver = new MessageReceiver(role, limit, compression);
            var destination = new byte[FuzzTargets.MaxInputBytes];
            var message = new MemoryStream();
            var type = MessageType.Binary;
            bool compressed = false;
            long delivered = 0;
            int pos = 0;
            for (long calls = 0; ; calls++)
            {
                if (calls > MaxCalls || delivered > MaxDelivered) return null;
                var ev = receiver.Receive(wire.AsSpan(pos, length - pos), destination, out int consumed, out int written);
                pos += consumed;
                switch (ev)
                {
                    case ReceiveEvent.NeedMoreData:
                        Check(pos == length, "NeedMoreData with input left");
                        t.Consumed = pos;
                        t.Ending = ConnEnding.EndOfStream;
                        t.Code = CloseStatus.AbnormalClosure;
                        return t;
                    case ReceiveEvent.MessageStart:
                        type = receiver.MessageType;
                        compressed = receiver.MessageCompressed;
                        message.SetLength(0);
                        break;
                    case ReceiveEvent.Data:
                        message.Write(destination, 0, written);
                        delivered += written;
                        break;
                    case ReceiveEvent.MessageEnd:
                        t.Events.Add(new("message", type, message.ToArray()));
                        t.Compressed.Add(compressed);
                        break;
                    case ReceiveEvent.Ping or ReceiveEvent.Pong:
                        t.Events.Add(new(ev == ReceiveEvent.Ping ? "ping" : "pong", default, receiver.ControlPayload.ToArray()));
                        t.Compressed.Add(false);
                        break;
                    case ReceiveEvent.Close:
                        t.Consumed = pos;
                        t.Ending = ConnEnding.PeerClose;
                        t.Code = receiver.CloseCode;
                        return t;
                    case ReceiveEvent.Error:
                        t.Consumed = pos;
                        t.Ending = ConnEnding.ProtocolError;
                        t.Code = receiver.ErrorCloseCode;
                        return t;
                    default:
                        throw new FuzzFindingException($"undefined event {ev}");
                }
            }
        }
    }
}
