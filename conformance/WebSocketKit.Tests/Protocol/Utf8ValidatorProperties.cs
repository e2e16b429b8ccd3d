using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using WebSocketKit.Protocol;
using Xunit;

namespace WebSocketKit.Tests.Protocol;

/// <summary>
/// The streaming validator against the BCL's strict decoder: same verdict on any byte string
/// split anywhere, and the failure reported at the first byte no valid UTF-8 could contain there.
/// </summary>
public class Utf8ValidatorProperties
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static bool StrictlyValid(ReadOnlySpan<byte> bytes)
    {
        try { Strict.GetCharCount(bytes); return true; }
        catch (DecoderFallbackException) { return false; }
    }

    // Candidate endings for a cut character: every range the RFC allows for the first continuation
    // byte (80-BF, A0-BF after E0, 80-9F after ED, 90-BF after F0, 80-8F after F4) holds 80, 90 or
    // A0, and later continuation bytes may be anything in 80-BF.
    private static readonly byte[][] Completions =
        [[], .. from first in new byte[] { 0x80, 0x90, 0xA0 }
                from more in Enumerable.Range(0, 3)
                select new[] { first }.Concat(Enumerable.Repeat((byte)0x80, more)).ToArray()];

    // True when some valid UTF-8 string starts with these bytes.
    private static bool IsPrefixOfValid(ReadOnlySpan<byte> bytes)
    {
        foreach (var ending in Completions)
            if (StrictlyValid([.. bytes, .. ending])) return true;
        return false;
    }

    /// <summary>The index of the first byte that no valid UTF-8 could hold there, or -1.</summary>
    private static int FirstImpossibleByte(byte[] bytes)
    {
        if (IsPrefixOfValid(bytes)) return -1;
        // Being a prefix of valid UTF-8 is lost once and never regained: binary search for where.
        int good = 0, bad = bytes.Length; // bytes[..good] is a valid prefix, bytes[..bad] is not
        while (bad - good > 1)
        {
            int mid = (good + bad) / 2;
            if (IsPrefixOfValid(bytes.AsSpan(0, mid))) good = mid; else bad = mid;
        }
        return bad - 1;
    }

    // Pieces of text, good and bad, in the proportions that find bugs: mostly valid characters,
    // and each kind of invalid sequence RFC 3629 rules out.
    private static Gen<byte[]> Bytes(params int[][] ranges)
        => Gen.CollectToArray(ranges, r => Gen.Choose(r[0], r[1]).Select(b => (byte)b));

    private static readonly Gen<byte[]> ValidCharacter =
        Gen.OneOf(Gen.Choose(0x80, 0x7FF), Gen.Choose(0x800, 0xD7FF), Gen.Choose(0xE000, 0xFFFF), Gen.Choose(0x10000, 0x10FFFF),
                Gen.Elements(0x80, 0x7FF, 0x800, 0xFFFF, 0x10000, 0x10FFFF, 0xD7FF, 0xE000))
            .Select(cp => Encoding.UTF8.GetBytes(char.ConvertFromUtf32(cp)));

    private static readonly int[] Cont = [0x80, 0xBF];

    private static readonly Gen<byte[]> Piece = Gen.Frequency(
        (6, Gen.Choose(0, 0x7F).Select(b => new[] { (byte)b })),                 // ASCII
        (6, ValidCharacter),                                                       // 2, 3 and 4-byte characters
        (1, Bytes([0xED, 0xED], [0xA0, 0xBF], Cont)),                             // UTF-16 surrogates
        (1, Bytes([0xC0, 0xC1], Cont)),                                           // overlong 2-byte
        (1, Bytes([0xE0, 0xE0], [0x80, 0x9F], Cont)),                             // overlong 3-byte
        (1, Bytes([0xF0, 0xF0], [0x80, 0x8F], Cont, Cont)),                       // overlong 4-byte
        (1, Bytes([0xF4, 0xF4], [0x90, 0xBF], Cont, Cont)),                       // above U+10FFFF
        (1, Bytes([0xF5, 0xFF], Cont, Cont, Cont)),                               // bytes that never appear
        (1, Bytes(Cont)),                                                          // a stray continuation byte
        (2, ValidCharacter.Where(c => c.Length > 1)                               // a character cut short
                .SelectMany(c => Gen.Choose(1, c.Length - 1).Select(n => c[..n]))));

    public sealed record TextCase(byte[] Bytes, Chunking Chunking)
    {
        public override string ToString() => $"bytes={Hex.Of(Bytes, 200)} {Chunking}";
    }

    private static readonly Gen<TextCase> Cases =
        from pieces in Gen.Choose(0, 24).SelectMany(n => Piece.ArrayOf(n))
        from chunking in Chunking.Gen
        select new TextCase(pieces.SelectMany(p => p).ToArray(), chunking);

    [Property(MaxTest = 500)]
    public Property Fed_in_any_pieces_the_validator_agrees_with_the_strict_decoder_and_fails_at_the_first_impossible_byte()
        => Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var validator = new Utf8Validator();
            int position = 0, failedAt = -1;
            for (int call = 0; position < c.Bytes.Length; call++)
            {
                var piece = c.Chunking.Piece(c.Bytes, position, call);
                if (!validator.Append(piece, out int invalidAt))
                {
                    Assert.InRange(invalidAt, 0, piece.Length - 1);
                    failedAt = position + invalidAt;
                    break;
                }
                Assert.Equal(-1, invalidAt);
                position += piece.Length;
            }
            Assert.Equal(FirstImpossibleByte(c.Bytes), failedAt);
            // Whole-message verdict: no failure and no character left open, exactly when the BCL accepts it.
            Assert.Equal(StrictlyValid(c.Bytes), failedAt < 0 && validator.IsComplete);
            Assert.Equal(StrictlyValid(c.Bytes), Utf8Validator.IsValid(c.Bytes));
        });

    [Theory]
    [InlineData("E0 80", 1)]       // overlong: E0 needs A0-BF next
    [InlineData("ED A0 80", 1)]    // surrogate half
    [InlineData("F4 90 80 80", 1)] // above U+10FFFF
    [InlineData("C0 80", 0)]       // C0 and C1 can never start a character
    [InlineData("F5", 0)]
    [InlineData("CE BA E1 BD B9 CF 83 CE BC CE B5 ED A0 80 65 64 69 74 65 64", 12)] // Autobahn 6.4.x shape
    public void An_invalid_sequence_is_reported_at_its_first_impossible_byte_even_when_fed_a_byte_at_a_time(string hex, int at)
    {
        var bytes = Hex.Parse(hex);
        var validator = new Utf8Validator();
        for (int i = 0; i < bytes.Length; i++)
        {
            if (!validator.Append(bytes.AsSpan(i, 1), out int invalidAt))
            {
                Assert.Equal((at, 0), (i, invalidAt));
                return;
            }
        }
        Assert.Fail("no error reported");
    }

    [Fact]
    public void A_character_cut_by_the_end_of_the_message_is_not_an_error_until_the_message_ends()
    {
        var validator = new Utf8Validator();
        Assert.True(validator.Append(Hex.Parse("48 F0 9F 98"), out _));
        Assert.False(validator.IsComplete);
        Assert.True(validator.Append(Hex.Parse("80"), out _));
        Assert.True(validator.IsComplete);
        validator.Reset();
        Assert.True(validator.IsComplete);
    }
}
