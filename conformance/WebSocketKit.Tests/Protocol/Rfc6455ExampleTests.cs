using WebSocketKit.Protocol;
using Xunit;

namespace WebSocketKit.Tests.Protocol;

/// <summary>The examples of RFC 6455 section 5.7, byte for byte, both ways.</summary>
public class Rfc6455ExampleTests
{
    private static (FrameHeader header, byte[] payload) DecodeOne(Role role, byte[] wire)
    {
        var d = new FrameDecoder(role);
        var input = wire.AsSpan();
        var payload = new List<byte>();
        FrameHeader header = default;
        var dest = new byte[wire.Length];
        while (true)
        {
            var ev = d.Decode(input, dest, out int c, out int w);
            input = input[c..];
            switch (ev)
            {
                case FrameEvent.Header: header = d.Header; break;
                case FrameEvent.Payload: payload.AddRange(dest[..w]); break;
                case FrameEvent.FrameEnd:
                    Assert.Equal(0, input.Length);
                    return (header, payload.ToArray());
                default: throw new Xunit.Sdk.XunitException($"unexpected {ev} {d.Error}");
            }
        }
    }

    [Fact]
    public void A_single_frame_unmasked_text_message_Hello()
    {
        var wire = Hex.Parse("81 05 48 65 6c 6c 6f");
        var (h, p) = DecodeOne(Role.Client, wire);
        Assert.True(h.Fin);
        Assert.Equal(Opcode.Text, h.Opcode);
        Assert.Equal("Hello"u8.ToArray(), p);
        var buf = new byte[16];
        int n = FrameEncoder.WriteFrame(buf, true, Opcode.Text, "Hello"u8);
        Assert.Equal(wire, buf[..n]);
    }

    [Fact]
    public void A_single_frame_masked_text_message_Hello()
    {
        var wire = Hex.Parse("81 85 37 fa 21 3d 7f 9f 4d 51 58");
        var (h, p) = DecodeOne(Role.Server, wire);
        Assert.True(h.Masked);
        Assert.Equal("Hello"u8.ToArray(), p);
        var buf = new byte[16];
        int n = FrameEncoder.WriteFrame(buf, true, Opcode.Text, "Hello"u8, masked: true, maskKey: Masking.ReadKey(Hex.Parse("37 fa 21 3d")));
        Assert.Equal(wire, buf[..n]);
    }

    [Fact]
    public void A_fragmented_unmasked_text_message_Hel_lo()
    {
        var wire = Hex.Parse("01 03 48 65 6c 80 02 6c 6f");
        var d = new FrameDecoder(Role.Client);
        var dest = new byte[16];
        var text = new List<byte>();
        var events = new List<FrameEvent>();
        ReadOnlySpan<byte> input = wire;
        while (!input.IsEmpty || events.Count == 0 || events[^1] != FrameEvent.FrameEnd)
        {
            var ev = d.Decode(input, dest, out int c, out int w);
            input = input[c..];
            events.Add(ev);
            if (ev == FrameEvent.Payload) text.AddRange(dest[..w]);
            Assert.NotEqual(FrameEvent.Error, ev);
        }
        Assert.Equal("Hello"u8.ToArray(), text.ToArray());
        Assert.False(d.InMessage);
        Assert.Equal(Opcode.Text, d.MessageOpcode);
    }

    [Theory]
    [InlineData("89 05 48 65 6c 6c 6f", Opcode.Ping, Role.Client)]
    [InlineData("8a 85 37 fa 21 3d 7f 9f 4d 51 58", Opcode.Pong, Role.Server)]
    public void Ping_and_masked_pong_carrying_Hello(string hex, Opcode opcode, Role role)
    {
        var (h, p) = DecodeOne(role, Hex.Parse(hex));
        Assert.Equal(opcode, h.Opcode);
        Assert.Equal("Hello"u8.ToArray(), p);
    }

    [Theory]
    [InlineData(256, "82 7E 0100")]
    [InlineData(65536, "82 7F 0000000000010000")]
    public void Binary_message_headers_for_256_bytes_and_64_KiB(int length, string headerHex)
    {
        var buf = new byte[FrameHeader.MaxSize];
        int n = FrameEncoder.WriteHeader(buf, true, Opcode.Binary, length);
        Assert.Equal(Hex.Parse(headerHex), buf[..n]);
        var d = new FrameHeaderDecoder(Role.Client, false);
        Assert.Equal(HeaderStatus.Done, d.Decode(buf.AsSpan(0, n), out int c, out var h, out _));
        Assert.Equal(n, c);
        Assert.Equal(length, h.PayloadLength);
    }
}
