using System.Buffers.Binary;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using WebSocketKit.Protocol;
using Xunit;

namespace WebSocketKit.Tests.Protocol;

/// <summary>
/// Close payloads (RFC 6455 sections 5.5.1 and 7.4): what we write we can read back, a reason is
/// cut to 123 bytes between characters, and a code that may not travel is refused both ways.
/// </summary>
public class ClosePayloadProperties
{
    // The codes that may never appear in a Close frame, as RFC 6455 section 7.4 and the IANA
    // registry list them: below 1000, 1004-1006 (reserved, no status, abnormal), 1015 (TLS),
    // 1016-2999 (unassigned) and 5000 up.
    private static bool ForbiddenOnWire(int code)
        => code < 1000 || code is >= 1004 and <= 1006 || code == 1015 || code is >= 1016 and <= 2999 || code >= 5000;

    private static readonly int[] SendableCodes = Enumerable.Range(0, 65536).Where(c => !ForbiddenOnWire(c)).ToArray();

    // Reasons mixing 1-, 2-, 3- and 4-byte characters, long enough to need cutting.
    private static readonly Gen<string> Reason =
        Gen.Frequency(
                (4, Gen.Choose(0x20, 0x7E)),
                (2, Gen.Choose(0x80, 0x7FF)),
                (2, Gen.Choose(0x800, 0xD7FF)),
                (2, Gen.Choose(0x10000, 0x10FFFF)))
            .Select(char.ConvertFromUtf32)
            .ArrayOf()
            .SelectMany(cs => Gen.Choose(0, 130).Select(n => string.Concat(cs.Take(n))));

    public sealed record CloseCase(ushort Code, string Reason);

    [Property(MaxTest = 300)]
    public Property A_close_payload_written_then_parsed_gives_back_the_code_and_the_reason_cut_at_a_character_boundary()
    {
        var gen = from code in Gen.Elements(SendableCodes)
                  from reason in Reason
                  select new CloseCase((ushort)code, reason);
        return Prop.ForAll(gen.ToArbitrary(), c =>
        {
            Span<byte> buffer = stackalloc byte[125];
            int n = ClosePayload.Write(buffer, c.Code, c.Reason);

            // The expected reason: whole characters, in order, while they fit in 123 bytes.
            var expected = new List<byte>();
            foreach (var rune in c.Reason.EnumerateRunes())
            {
                var bytes = Encoding.UTF8.GetBytes(rune.ToString());
                if (expected.Count + bytes.Length > ClosePayload.MaxReasonBytes) break;
                expected.AddRange(bytes);
            }
            Assert.Equal(2 + expected.Count, n);

            Assert.Equal(ProtocolError.None, ClosePayload.Parse(buffer[..n], out ushort code, out var reason));
            Assert.Equal(c.Code, code);
            Assert.Equal(expected.ToArray(), reason.ToArray());
        });
    }

    [Fact]
    public void Every_code_that_may_not_travel_is_refused_by_Parse_and_by_Write_and_every_other_is_accepted()
    {
        Span<byte> payload = stackalloc byte[2];
        var buffer = new byte[125];
        for (int c = 0; c <= ushort.MaxValue; c++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)c);
            var error = ClosePayload.Parse(payload, out _, out _);
            if (ForbiddenOnWire(c))
            {
                Assert.Equal(ProtocolError.InvalidCloseCode, error);
                Assert.Throws<ArgumentOutOfRangeException>(() => ClosePayload.Write(buffer, (ushort)c, "x"));
            }
            else
            {
                Assert.Equal(ProtocolError.None, error);
                Assert.Equal(2 + 1, ClosePayload.Write(buffer, (ushort)c, "x"));
            }
        }
        Assert.Equal(CloseStatus.ProtocolError, ProtocolErrors.CloseCode(ProtocolError.InvalidCloseCode));
    }

    [Fact]
    public void An_empty_close_payload_means_no_status_received()
    {
        Assert.Equal(ProtocolError.None, ClosePayload.Parse([], out ushort code, out var reason));
        Assert.Equal(CloseStatus.NoStatusReceived, code);
        Assert.True(reason.IsEmpty);
    }

    [Fact]
    public void A_one_byte_close_payload_is_a_protocol_error()
    {
        Assert.Equal(ProtocolError.ClosePayloadTooShort, ClosePayload.Parse([0x03], out _, out _));
        Assert.Equal(CloseStatus.ProtocolError, ProtocolErrors.CloseCode(ProtocolError.ClosePayloadTooShort));
    }

    [Fact]
    public void A_close_reason_that_is_not_UTF8_is_invalid_payload_data_1007()
    {
        Assert.Equal(ProtocolError.InvalidUtf8, ClosePayload.Parse(Hex.Parse("03E8 CEBA E1BD B9CF 83CE BCCE B5ED A080"), out _, out _));
        Assert.Equal(CloseStatus.InvalidPayloadData, ProtocolErrors.CloseCode(ProtocolError.InvalidUtf8));
    }

    [Fact]
    public void A_reason_with_a_lone_surrogate_goes_out_as_valid_UTF8_with_a_replacement_character()
    {
        Span<byte> buffer = stackalloc byte[125];
        int n = ClosePayload.Write(buffer, CloseStatus.NormalClosure, "a\uD800b");
        Assert.Equal(ProtocolError.None, ClosePayload.Parse(buffer[..n], out _, out var reason));
        Assert.Equal("a\uFFFDb", Encoding.UTF8.GetString(reason));
    }
}
