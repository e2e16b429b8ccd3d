using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;
using Xunit;

namespace WebSocketKit.Tests.Protocol;

/// <summary>
/// The sending side as a Sans-IO state machine: what it frames, a receiver of the other role reads
/// back as the same messages, masked by a client and not by a server (RFC 6455 section 5.1), and
/// compressed ones inflate to what was sent; nothing may follow a Close.
/// </summary>
public class MessageSenderProperties
{
    private static readonly Gen<(Role Role, PerMessageDeflateParameters? Compression, byte[][] Messages)> Sessions =
        from role in Gen.Elements(Role.Client, Role.Server)
        from compression in Gen.Elements<PerMessageDeflateParameters?>(null,
            new PerMessageDeflateParameters(false, false, 15, 15),
            new PerMessageDeflateParameters(true, true, 9, 8),
            new PerMessageDeflateParameters(false, true, 12, 10) { Threshold = 100 })
        from messages in Gen.Choose(0, 3000).SelectMany(n => Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf(n)).ArrayOf()
        select (role, compression, messages);

    [Property(MaxTest = 100)]
    public Property What_a_sender_frames_a_receiver_of_the_other_role_reads_back()
        => Prop.ForAll(Sessions.ToArbitrary(), s =>
        {
            using var sender = new MessageSender(s.Role, s.Compression);
            var peer = new MessageReceiver(s.Role == Role.Client ? Role.Server : Role.Client, long.MaxValue, s.Compression);
            var destination = new byte[4096];
            foreach (var message in s.Messages)
            {
                bool compress = sender.ShouldCompress(message.Length);
                var buffer = new byte[MessageSender.HeaderRoom + MessageDeflater.GetMaxCompressedLength(message.Length)];
                int count = compress ? sender.CompressMessage(message, buffer.AsSpan(MessageSender.HeaderRoom)) : message.Length;
                if (!compress) message.CopyTo(buffer, MessageSender.HeaderRoom);
                int start = sender.FrameInPlace(buffer, count, Opcode.Binary, fin: true, compress);
                var wire = buffer.AsSpan(start, MessageSender.HeaderRoom + count - start);
                Assert.Equal(s.Role == Role.Client, (wire[1] & 0x80) != 0);
                var got = new List<byte>();
                int position = 0;
                while (true)
                {
                    var ev = peer.Receive(wire[position..], destination, out int used, out int written);
                    position += used;
                    Assert.NotEqual(ReceiveEvent.Error, ev);
                    if (ev == ReceiveEvent.Data) got.AddRange(destination.AsSpan(0, written).ToArray());
                    if (ev == ReceiveEvent.MessageEnd) break;
                    Assert.NotEqual(ReceiveEvent.NeedMoreData, ev);
                }
                Assert.Equal(wire.Length, position);
                Assert.Equal(message, got.ToArray());
            }
            return true;
        });

    [Fact]
    public void Nothing_follows_a_Close()
    {
        var sender = new MessageSender(Role.Client);
        var buffer = new byte[FrameHeader.MaxSize + FrameHeader.MaxControlPayload];
        Assert.True(sender.WriteControl(buffer, Opcode.Ping, "x"u8) > 0);
        Assert.False(sender.CloseSent);
        sender.WriteControl(buffer, Opcode.Close, ClosePayload.Format(CloseStatus.NormalClosure));
        Assert.True(sender.CloseSent);
        Assert.Throws<InvalidOperationException>(() => sender.WriteControl(buffer, Opcode.Pong, default));
        Assert.Throws<ArgumentException>(() => new MessageSender(Role.Server).WriteControl(buffer, Opcode.Text, default));
    }

    [Theory]
    [InlineData(-2, 1)]
    [InlineData(-1, 6)]
    [InlineData(0, 0)]
    [InlineData(9, 9)]
    public void Zlib_level_numbers_map_to_what_our_compressors_run(int level, int effective)
    {
        var sender = new MessageSender(Role.Server, new PerMessageDeflateParameters(false, false, 15, 15)) { CompressionLevel = level };
        Assert.Equal(effective, sender.EffectiveLevel);
    }
}
