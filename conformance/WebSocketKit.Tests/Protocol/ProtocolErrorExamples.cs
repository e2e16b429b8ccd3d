using WebSocketKit.Protocol;
using Xunit;

namespace WebSocketKit.Tests.Protocol;

/// <summary>
/// One example per protocol error the frame decoder can meet. Each feeds the bytes one at a
/// time and checks that the error, and its close code, come out on the very byte that shows it,
/// never later (the fail-fast the Autobahn TestSuite checks).
/// </summary>
public class ProtocolErrorExamples
{
    // Feeds one byte per call and returns the index of the byte on which Error came out.
    private static (int index, ProtocolError error, ushort closeCode) FirstError(FrameDecoder decoder, byte[] wire)
    {
        var destination = new byte[wire.Length + 1];
        for (int i = 0; i < wire.Length; i++)
        {
            ReadOnlySpan<byte> piece = wire.AsSpan(i, 1);
            // Events that take no input (FrameEnd) come between bytes; loop until this byte is taken.
            while (true)
            {
                var ev = decoder.Decode(piece, destination, out int consumed, out _);
                if (ev == FrameEvent.Error)
                {
                    Assert.Equal(1, consumed);
                    return (i, decoder.Error, decoder.ErrorCloseCode);
                }
                piece = piece[consumed..];
                if (piece.IsEmpty && ev != FrameEvent.Header) break;
            }
        }
        throw new Xunit.Sdk.XunitException("no error was reported");
    }

    [Theory]
    // Reserved opcodes 3-7 and 11-15, seen on the first byte.
    [InlineData("83 00", 0)]
    [InlineData("87 00", 0)]
    [InlineData("8B 00", 0)]
    [InlineData("8F 00", 0)]
    public void A_reserved_opcode_fails_with_1002_on_the_first_byte(string hex, int at)
        => Expect(Role.Client, hex, at, ProtocolError.ReservedOpcode, 1002);

    [Theory]
    [InlineData("C1 00", false)] // RSV1 on Text without permessage-deflate
    [InlineData("A1 00", true)]  // RSV2: no extension of ours defines it
    [InlineData("91 00", true)]  // RSV3
    [InlineData("C0 00", true)]  // RSV1 on a continuation, even with permessage-deflate
    [InlineData("C9 00", true)]  // RSV1 on a Ping, even with permessage-deflate
    [InlineData("C8 00", true)]  // RSV1 on a Close, even with permessage-deflate
    public void A_reserved_bit_without_an_extension_that_gives_it_meaning_fails_with_1002_on_the_first_byte(string hex, bool deflate)
        => Expect(new FrameDecoder(Role.Client, compressionNegotiated: deflate), hex, 0, ProtocolError.ReservedBitsSet, 1002);

    [Theory]
    [InlineData("09 00")]
    [InlineData("08 00")]
    [InlineData("0A 00")]
    public void A_control_frame_without_FIN_fails_with_1002_on_the_first_byte(string hex)
        => Expect(Role.Client, hex, 0, ProtocolError.ControlFrameFragmented, 1002);

    [Theory]
    [InlineData("89 7E 00 7E")]
    [InlineData("88 7F 00 00 00 00 00 00 00 7E")]
    public void A_control_frame_longer_than_125_bytes_fails_with_1002_on_its_length_byte(string hex)
        => Expect(Role.Client, hex, 1, ProtocolError.ControlFrameTooLong, 1002);

    [Fact]
    public void A_64_bit_length_with_the_top_bit_set_fails_with_1002_on_its_first_length_byte()
        => Expect(Role.Server, "82 FF 80 00 00 00 00 00 00 00 11 22 33 44", 2, ProtocolError.LengthTopBitSet, 1002);

    [Fact]
    public void An_unmasked_frame_from_a_client_fails_with_1002_on_the_second_byte()
        => Expect(Role.Server, "81 05 48 65 6c 6c 6f", 1, ProtocolError.UnmaskedFrameFromClient, 1002);

    [Fact]
    public void A_masked_frame_from_a_server_fails_with_1002_on_the_second_byte()
        => Expect(Role.Client, "81 85 37 fa 21 3d 7f 9f 4d 51 58", 1, ProtocolError.MaskedFrameFromServer, 1002);

    [Theory]
    [InlineData("80 00")]
    [InlineData("00 01 41")]
    public void A_continuation_without_a_message_to_continue_fails_with_1002_on_its_first_byte(string hex)
        => Expect(Role.Client, hex, 0, ProtocolError.ContinuationWithoutStart, 1002);

    [Theory]
    [InlineData("01 01 41 81 01 42", 3)] // Text inside an open Text message
    [InlineData("02 01 41 82 01 42", 3)] // Binary inside an open Binary message
    [InlineData("01 01 41 89 00 02 00", 5)] // a Ping between fragments is fine; the Binary after it is not
    public void A_new_data_frame_inside_a_fragmented_message_fails_with_1002_on_its_first_byte(string hex, int at)
        => Expect(Role.Client, hex, at, ProtocolError.DataFrameInsideFragmentedMessage, 1002);

    [Theory]
    [InlineData(10, "82 0B", 1)]                             // 7-bit length 11 over 10
    [InlineData(100, "82 7E 00 65", 3)]                      // 16-bit length 101 over 100
    [InlineData(100, "82 7E 01 00", 2)]                      // 16-bit length at least 256: known on its first byte
    [InlineData(1 << 20, "82 7F 00 00 00 00 00 10 00 01", 9)] // 2^20 + 1 over 2^20
    [InlineData(1 << 20, "82 7F 00 00 00 01 00 00 00 00", 5)] // at least 2^32: known before the low bytes
    public void A_frame_over_the_read_limit_fails_with_1009_on_the_length_byte_that_passes_the_limit(long limit, string hex, int at)
        => Expect(new FrameDecoder(Role.Client, limit), hex, at, ProtocolError.MessageTooBig, 1009);

    [Fact]
    public void A_masked_frame_over_the_read_limit_fails_before_its_mask_key_is_read()
        => Expect(new FrameDecoder(Role.Server, maxMessageSize: 100), "82 FE 00 65 11 22 33 44", 3, ProtocolError.MessageTooBig, 1009);

    [Fact]
    public void A_message_whose_fragments_together_pass_the_read_limit_fails_with_1009_on_the_header_that_passes_it()
    {
        // 60 bytes, then a Ping (not counted), then 41 more: 101 > 100.
        var wire = Hex.Parse("01 3C" + new string('0', 120) + "89 00" + "80 29" + new string('0', 82));
        var (index, error, code) = FirstError(new FrameDecoder(Role.Client, maxMessageSize: 100), wire);
        Assert.Equal((2 + 60 + 2 + 1, ProtocolError.MessageTooBig, (ushort)1009), (index, error, code));
    }

    [Fact]
    public void A_message_exactly_at_the_read_limit_is_accepted()
    {
        var wire = Hex.Parse("01 3C" + new string('0', 120) + "80 28" + new string('0', 80));
        var decoder = new FrameDecoder(Role.Client, maxMessageSize: 100);
        var destination = new byte[wire.Length];
        ReadOnlySpan<byte> input = wire;
        int ends = 0;
        while (ends < 2)
        {
            var ev = decoder.Decode(input, destination, out int consumed, out _);
            Assert.NotEqual(FrameEvent.Error, ev);
            Assert.NotEqual(FrameEvent.NeedMoreData, ev);
            input = input[consumed..];
            if (ev == FrameEvent.FrameEnd) ends++;
        }
        Assert.True(input.IsEmpty);
        Assert.False(decoder.InMessage);
    }

    private static void Expect(Role role, string hex, int at, ProtocolError error, ushort closeCode)
        => Expect(new FrameDecoder(role), hex, at, error, closeCode);

    private static void Expect(FrameDecoder decoder, string hex, int at, ProtocolError error, ushort closeCode)
        => Assert.Equal((at, error, closeCode), FirstError(decoder, Hex.Parse(hex)));
}
