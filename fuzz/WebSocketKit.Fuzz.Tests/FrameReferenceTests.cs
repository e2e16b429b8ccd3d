using WebSocketKit.Fuzz.Targets;
using WebSocketKit.Protocol;
using Xunit;

namespace WebSocketKit.Fuzz.Tests;

/// <summary>
/// The frame target is only as good as its expected outcome: these pin the reference reading of
/// RFC 6455 on hand-made wires (where a refusal is decided, with which close code).
/// </summary>
public class FrameReferenceTests
{
    private static readonly FrameTargetOptions Server = FrameTargetOptions.FromByte(FrameTargetOptions.ToByte(Role.Server));
    private static readonly FrameTargetOptions Client = FrameTargetOptions.FromByte(FrameTargetOptions.ToByte(Role.Client));

    private static byte[] Hex(string s) => Convert.FromHexString(s.Replace(" ", ""));

    [Fact]
    public void The_RFC_masked_Hello_is_one_whole_text_frame_for_a_server()
    {
        var r = FrameReference.Of(Hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"), Server);
        Assert.Null(r.Fail);
        var f = Assert.Single(r.Frames);
        Assert.Equal(new FrameHeader(true, false, false, false, Opcode.Text, true, 0x3d21fa37, 5), f.Header);
        Assert.Equal(6, f.HeaderEnd);
        Assert.True(f.PayloadComplete);
    }

    [Fact]
    public void An_unmasked_frame_is_refused_by_a_server_at_its_second_byte()
        => AssertRefused(Hex("81 05 48 65 6c 6c 6f"), Server, CloseStatus.ProtocolError, decisiveAt: 2);

    [Fact]
    public void A_masked_frame_is_refused_by_a_client_at_its_second_byte()
        => AssertRefused(Hex("81 85 37 fa 21 3d"), Client, CloseStatus.ProtocolError, decisiveAt: 2);

    [Fact]
    public void A_reserved_opcode_is_refused_at_the_first_byte_even_alone()
        => AssertRefused(Hex("83"), Client, CloseStatus.ProtocolError, decisiveAt: 1);

    [Fact]
    public void RSV1_is_refused_unless_negotiated_and_then_only_on_a_first_data_frame()
    {
        AssertRefused(Hex("c1 00"), Client, CloseStatus.ProtocolError, decisiveAt: 1);
        var deflate = FrameTargetOptions.FromByte(FrameTargetOptions.ToByte(Role.Client, rsv1Negotiated: true));
        Assert.Null(FrameReference.Of(Hex("41 00 80 00"), deflate).Fail);
        AssertRefused(Hex("41 00 c0 00"), deflate, CloseStatus.ProtocolError, decisiveAt: 3, frames: 1);
        AssertRefused(Hex("c9 00"), deflate, CloseStatus.ProtocolError, decisiveAt: 1);
    }

    [Fact]
    public void The_top_bit_of_a_64_bit_length_is_refused_at_the_first_length_byte()
        => AssertRefused(Hex("82 7f 80"), Client, CloseStatus.ProtocolError, decisiveAt: 3);

    [Fact]
    public void A_control_frame_longer_than_125_or_fragmented_is_refused()
    {
        AssertRefused(Hex("89 7e 00 7e"), Client, CloseStatus.ProtocolError, decisiveAt: 2);
        AssertRefused(Hex("09 00"), Client, CloseStatus.ProtocolError, decisiveAt: 1);
    }

    [Fact]
    public void Fragments_out_of_order_are_refused_at_their_first_byte()
    {
        AssertRefused(Hex("80 00"), Client, CloseStatus.ProtocolError, decisiveAt: 1);
        AssertRefused(Hex("01 00 89 00 02 00"), Client, CloseStatus.ProtocolError, decisiveAt: 5, frames: 2);
    }

    [Fact]
    public void A_length_is_refused_at_the_first_byte_that_puts_it_over_the_limit()
    {
        var limit125 = FrameTargetOptions.FromByte(FrameTargetOptions.ToByte(Role.Client, limitIndex: 2));
        // 126 is the smallest 16-bit length: over 125 as soon as the high byte is read (even 00).
        AssertRefused(Hex("82 7e 00 7e"), limit125, CloseStatus.MessageTooBig, decisiveAt: 4);
        AssertRefused(Hex("82 7e 01 00"), limit125, CloseStatus.MessageTooBig, decisiveAt: 3);
    }

    [Fact]
    public void A_message_over_the_limit_is_refused_with_1009_counting_all_its_frames()
    {
        var limit125 = FrameTargetOptions.FromByte(FrameTargetOptions.ToByte(Role.Client, limitIndex: 2));
        var wire = new byte[2 + 100 + 2 + 26];
        wire[0] = 0x02; wire[1] = 100; wire[102] = 0x80; wire[103] = 26;
        AssertRefused(wire, limit125, CloseStatus.MessageTooBig, decisiveAt: 104, frames: 1);
    }

    [Fact]
    public void A_truncated_wire_is_neither_accepted_whole_nor_refused()
    {
        var r = FrameReference.Of(Hex("82 7e 01 00 01 02"), Client);
        Assert.Null(r.Fail);
        Assert.False(Assert.Single(r.Frames).PayloadComplete);
        Assert.Empty(FrameReference.Of(Hex("82 7e 01"), Client).Frames);
    }

    private static void AssertRefused(byte[] wire, FrameTargetOptions o, ushort code, int decisiveAt, int frames = 0)
    {
        var r = FrameReference.Of(wire, o);
        Assert.NotNull(r.Fail);
        Assert.Equal(code, r.Fail.CloseCode);
        Assert.Equal(decisiveAt, r.Fail.DecisiveAt);
        Assert.Equal(frames, r.Fail.FrameIndex);
        Assert.Equal(frames, r.Frames.Count);
    }
}

/// <summary>The verdicts the frame target expects from ClosePayload.Parse.</summary>
public class CloseFrameCheckTests
{
    [Theory]
    [InlineData("", ProtocolError.None)]
    [InlineData("03", ProtocolError.ClosePayloadTooShort)]
    [InlineData("03e8", ProtocolError.None)]
    [InlineData("03e8627965", ProtocolError.None)]
    [InlineData("03ec", ProtocolError.InvalidCloseCode)]   // 1004 reserved
    [InlineData("03ed", ProtocolError.InvalidCloseCode)]   // 1005 never on the wire
    [InlineData("03f6", ProtocolError.None)]               // 1014 (IANA)
    [InlineData("03f7", ProtocolError.InvalidCloseCode)]   // 1015 never on the wire
    [InlineData("0bb7", ProtocolError.InvalidCloseCode)]   // 2999 unassigned
    [InlineData("0bb8", ProtocolError.None)]               // 3000 registered
    [InlineData("1387", ProtocolError.None)]               // 4999 private use
    [InlineData("1388", ProtocolError.InvalidCloseCode)]   // 5000
    [InlineData("03e8c0af", ProtocolError.InvalidUtf8)]
    public void A_close_body_gets_the_RFC_verdict(string hex, ProtocolError expected)
    {
        var body = Convert.FromHexString(hex);
        Assert.Equal(expected, CloseFrameCheck.Expected(body));
        CloseFrameCheck.Verify(body);
    }
}
