using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;
using Xunit;

namespace WebSocketKit.Tests.Protocol;

/// <summary>
/// The receiving side of a connection as a Sans-IO state machine: whatever the split of the bytes
/// and the size of the caller's buffer, a stream of messages (fragmented, compressed or not, with
/// control frames between the fragments) comes out as the same events and the same payloads.
/// </summary>
public class MessageReceiverProperties
{
    public sealed record Message(MessageType Type, byte[] Payload, int Fragments, bool Compressed, byte[]? PingInside);

    public sealed record Session(Message[] Messages, PerMessageDeflateParameters? Compression, Chunking Chunking, int DestinationSize)
    {
        public override string ToString()
            => $"[{string.Join(" ", Messages.Select(m => $"{m.Type}:{m.Payload.Length}/{m.Fragments}{(m.Compressed ? "z" : "")}{(m.PingInside is null ? "" : "+ping")}"))}] " +
               $"{(Compression is null ? "plain" : $"pmd s{Compression.ServerMaxWindowBits} c{Compression.ClientMaxWindowBits} snt={Compression.ServerNoContextTakeover} cnt={Compression.ClientNoContextTakeover}")} dest={DestinationSize} {Chunking}";
    }

    private static readonly Gen<PerMessageDeflateParameters?> AnyCompression =
        Gen.Frequency(
            (1, Gen.Constant<PerMessageDeflateParameters?>(null)),
            (3, from snt in Gen.Elements(false, true)
                from cnt in Gen.Elements(false, true)
                from sbits in Gen.Choose(8, 15)
                from cbits in Gen.Choose(8, 15)
                select (PerMessageDeflateParameters?)new PerMessageDeflateParameters(snt, cnt, sbits, cbits)));

    private static Gen<Message> AnyMessage(bool compression) =>
        from text in Gen.Elements(false, true)
        from length in Gen.OneOf(Gen.Choose(0, 5), Gen.Choose(100, 400), Gen.Choose(5000, 40000))
        from seed in Gen.Choose(0, int.MaxValue)
        from fragments in Gen.Choose(1, 4)
        from compressed in compression ? Gen.Elements(false, true) : Gen.Constant(false)
        from ping in Gen.Elements(false, false, true)
        select new Message(text ? MessageType.Text : MessageType.Binary, text ? Text(seed, length) : Hex.Random(seed, length),
            fragments, compressed, ping ? Hex.Random(seed ^ 5, seed % 126) : null);

    private static readonly Gen<Session> Sessions =
        from compression in AnyCompression
        from messages in Gen.Choose(1, 5).SelectMany(n => AnyMessage(compression is not null).ArrayOf(n))
        from chunking in Chunking.Gen
        from destination in Gen.OneOf(Gen.Choose(1, 16), Gen.Choose(100, 5000), Gen.Constant(70000))
        select new Session(messages, compression, chunking, destination);

    [Property(MaxTest = 150)]
    public Property Every_message_and_control_frame_comes_out_whole_under_any_split()
        => Prop.ForAll(Sessions.ToArbitrary(), s =>
        {
            var wire = Encode(s);
            var receiver = new MessageReceiver(Role.Server, long.MaxValue, s.Compression);
            var destination = new byte[s.DestinationSize];
            var got = new List<(MessageType Type, byte[] Payload)>();
            var pings = new List<byte[]>();
            var current = new List<byte>();
            int position = 0, call = 0;
            while (true)
            {
                Assert.True(call < 10 * wire.Length + 100, "the receiver stopped making progress");
                var piece = s.Chunking.Piece(wire, position, call++);
                var ev = receiver.Receive(piece, destination, out int used, out int written);
                position += used;
                switch (ev)
                {
                    case ReceiveEvent.MessageStart:
                        Assert.Empty(current);
                        break;
                    case ReceiveEvent.Data:
                        Assert.True(written > 0);
                        current.AddRange(destination.AsSpan(0, written).ToArray());
                        break;
                    case ReceiveEvent.MessageEnd:
                        got.Add((receiver.MessageType, current.ToArray()));
                        current.Clear();
                        break;
                    case ReceiveEvent.Ping:
                        pings.Add(receiver.ControlPayload.ToArray());
                        break;
                    case ReceiveEvent.Close:
                        Assert.Equal(CloseStatus.NormalClosure, receiver.CloseCode);
                        Assert.Equal("bye", Encoding.UTF8.GetString(receiver.CloseReason));
                        Assert.Equal(wire.Length, position);
                        Assert.Equal(s.Messages.Select(m => (m.Type, m.Payload)), got, Comparer);
                        Assert.Equal(s.Messages.Where(m => m.PingInside is not null).Select(m => m.PingInside!), pings);
                        Assert.Equal(ReceiveEvent.Close, receiver.Receive([1, 2, 3], destination, out int after, out _));
                        Assert.Equal(0, after);
                        return true;
                    case ReceiveEvent.Error:
                        Assert.Fail($"unexpected protocol error {receiver.Error} after {got.Count} messages");
                        break;
                }
            }
        });

    [Fact]
    public void A_lowered_limit_refuses_the_next_frame_header_that_exceeds_it()
    {
        var wire = Frames((Opcode.Binary, false, new byte[10], false), (Opcode.Continuation, true, new byte[10], false));
        var receiver = new MessageReceiver(Role.Server);
        var destination = new byte[100];
        Assert.Equal(ReceiveEvent.MessageStart, receiver.Receive(wire, destination, out int used, out _));
        int position = used;
        Assert.Equal(ReceiveEvent.Data, receiver.Receive(wire.AsSpan(position), destination, out used, out _));
        position += used;
        receiver.ReadLimit = 15;
        Assert.Equal(ReceiveEvent.Error, receiver.Receive(wire.AsSpan(position), destination, out _, out _));
        Assert.Equal(ProtocolError.MessageTooBig, receiver.Error);
        Assert.Equal(CloseStatus.MessageTooBig, receiver.ErrorCloseCode);
    }

    [Fact]
    public void A_compressed_message_is_refused_at_the_first_inflated_byte_past_the_limit()
    {
        var parameters = new PerMessageDeflateParameters(false, false, 15, 15);
        using var deflater = parameters.CreateDeflater(Role.Client);
        var plain = new byte[100_000];
        var compressed = new byte[MessageDeflater.GetMaxCompressedLength(plain.Length)];
        int n = deflater.Compress(plain, compressed);
        var wire = Frames((Opcode.Binary, true, compressed[..n], true));
        var receiver = new MessageReceiver(Role.Server, 1000, parameters);
        var destination = new byte[64];
        long delivered = 0;
        int position = 0;
        while (true)
        {
            var ev = receiver.Receive(wire.AsSpan(position), destination, out int used, out int written);
            position += used;
            if (ev == ReceiveEvent.Data) delivered += written;
            if (ev == ReceiveEvent.Error) break;
            Assert.NotEqual(ReceiveEvent.MessageEnd, ev);
        }
        Assert.Equal(ProtocolError.MessageTooBig, receiver.Error);
        Assert.True(delivered <= 1000, $"{delivered} bytes delivered past a limit of 1000");
    }

    [Theory]
    [InlineData(new byte[] { 0x03, 0xE8, 0xC3 }, ProtocolError.InvalidUtf8)]
    [InlineData(new byte[] { 0x03 }, ProtocolError.ClosePayloadTooShort)]
    [InlineData(new byte[] { 0x03, 0xED }, ProtocolError.InvalidCloseCode)]
    public void A_bad_close_frame_is_an_error_not_a_close(byte[] payload, ProtocolError expected)
    {
        var receiver = new MessageReceiver(Role.Server);
        var ev = receiver.Receive(Frames((Opcode.Close, true, payload, false)), default, out _, out _);
        Assert.Equal(ReceiveEvent.Error, ev);
        Assert.Equal(expected, receiver.Error);
        Assert.True(receiver.IsFinished);
    }

    [Fact]
    public void Text_that_is_not_UTF_8_fails_at_the_fragment_that_shows_it()
    {
        var wire = Frames((Opcode.Text, false, "ok"u8.ToArray(), false), (Opcode.Continuation, false, [0xFF], false), (Opcode.Continuation, true, "never"u8.ToArray(), false));
        var receiver = new MessageReceiver(Role.Server);
        var destination = new byte[100];
        int position = 0;
        ReceiveEvent ev;
        do
        {
            ev = receiver.Receive(wire.AsSpan(position), destination, out int used, out _);
            position += used;
        } while (ev is not ReceiveEvent.Error);
        Assert.Equal(ProtocolError.InvalidUtf8, receiver.Error);
        Assert.True(position < wire.Length - 5, "the last fragment was read before the error was seen");
    }

    private static readonly IEqualityComparer<(MessageType Type, byte[] Payload)> Comparer =
        EqualityComparer<(MessageType, byte[])>.Create((a, b) => a.Item1 == b.Item1 && a.Item2.AsSpan().SequenceEqual(b.Item2));

    private static byte[] Text(int seed, int length)
    {
        var random = new Random(seed);
        var sb = new StringBuilder();
        while (Encoding.UTF8.GetByteCount(sb.ToString()) < length)
            sb.Append(random.Next(4) switch { 0 => 'a', 1 => 'é', 2 => '€', _ => "😀" });
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    // The wire a client sends: each message in its frames (compressed ones deflated as a whole and
    // then cut), a Ping inside the message when asked, and a Close to end the session.
    private static byte[] Encode(Session s)
    {
        var frames = new List<(Opcode, bool, byte[], bool)>();
        using var kept = s.Compression?.CreateDeflater(Role.Client);
        foreach (var m in s.Messages)
        {
            var body = m.Payload;
            if (m.Compressed)
            {
                var c = s.Compression!;
                using var fresh = c.WriteContextTakeover(Role.Client) ? null : c.CreateDeflater(Role.Client);
                var deflater = fresh ?? kept!;
                var output = new byte[MessageDeflater.GetMaxCompressedLength(body.Length)];
                body = output[..deflater.Compress(body, output)];
            }
            int cut = Math.Max(1, body.Length / m.Fragments);
            int start = 0;
            for (int i = 0; i < m.Fragments; i++)
            {
                bool last = i == m.Fragments - 1;
                int end = last ? body.Length : Math.Min(body.Length, start + cut);
                frames.Add((i == 0 ? (Opcode)m.Type : Opcode.Continuation, last, body[start..end], i == 0 && m.Compressed));
                if (i == 0 && m.PingInside is not null) frames.Add((Opcode.Ping, true, m.PingInside, false));
                start = end;
            }
        }
        frames.Add((Opcode.Close, true, ClosePayload.Format(CloseStatus.NormalClosure, "bye"), false));
        return Frames([.. frames]);
    }

    private static byte[] Frames(params (Opcode Opcode, bool Fin, byte[] Payload, bool Rsv1)[] frames)
    {
        var wire = new List<byte>();
        uint key = 0x5A17C0DE;
        foreach (var (opcode, fin, payload, rsv1) in frames)
        {
            var buffer = new byte[FrameHeader.MaxSize + payload.Length];
            int n = FrameEncoder.WriteHeader(buffer, fin, opcode, payload.Length, masked: true, key, rsv1);
            payload.CopyTo(buffer, n);
            Masking.Apply(buffer.AsSpan(n, payload.Length), key, 0);
            wire.AddRange(buffer.AsSpan(0, n + payload.Length).ToArray());
            key = key * 2654435761u + 1;
        }
        return [.. wire];
    }
}
