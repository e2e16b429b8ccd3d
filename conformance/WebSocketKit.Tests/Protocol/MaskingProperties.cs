using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using WebSocketKit.Protocol;
using Xunit;

namespace WebSocketKit.Tests.Protocol;

/// <summary>
/// Masking (RFC 6455 section 5.3): byte i is XORed with key byte (i mod 4). The vectorised code
/// must agree with that sentence for every length, every starting key position and every split.
/// </summary>
public class MaskingProperties
{
    // The RFC's sentence, one byte at a time.
    private static void Reference(Span<byte> data, uint key, int offset)
    {
        for (int i = 0; i < data.Length; i++)
            data[i] ^= (byte)(key >> (8 * ((offset + i) & 3)));
    }

    [Fact]
    public void Vectorised_masking_equals_the_byte_at_a_time_rule_for_every_length_to_4096_and_every_offset()
    {
        var random = new Random(6455);
        var source = new byte[4096 + 64];
        random.NextBytes(source);
        var actual = new byte[source.Length];
        var expected = new byte[source.Length];
        foreach (uint key in new[] { 0x3D21FA37u, 0xFFFFFFFFu, (uint)random.Next() })
        {
            for (int length = 0; length <= 4096; length++)
            {
                for (int offset = 0; offset < 4; offset++)
                {
                    source.CopyTo(actual, 0);
                    source.CopyTo(expected, 0);
                    // Start at an odd place so unaligned vector loads are exercised too.
                    int start = length % 7;
                    int next = Masking.Apply(actual.AsSpan(start, length), key, offset);
                    Reference(expected.AsSpan(start, length), key, offset);
                    if (!actual.AsSpan().SequenceEqual(expected))
                        Assert.Fail($"key {key:X8} length {length} offset {offset}: first difference at {actual.AsSpan().CommonPrefixLength(expected)}");
                    Assert.Equal((offset + length) % 4, next);
                    // The copying form, from the untouched source into a separate buffer, at another misalignment.
                    var copied = new byte[length + 3];
                    next = Masking.Apply(source.AsSpan(start, length), copied.AsSpan(3), key, offset);
                    if (!copied.AsSpan(3).SequenceEqual(expected.AsSpan(start, length)))
                        Assert.Fail($"copying: key {key:X8} length {length} offset {offset}: first difference at {copied.AsSpan(3).CommonPrefixLength(expected.AsSpan(start, length))}");
                    Assert.Equal((offset + length) % 4, next);
                }
            }
        }
    }

    public sealed record MaskCase(byte[] Data, uint Key, int Offset, Chunking Pieces)
    {
        public override string ToString() => $"data={Hex.Of(Data)} key={Key:X8} offset={Offset} {Pieces}";
    }

    private static readonly Gen<MaskCase> Cases =
        from length in Gen.OneOf(Gen.Choose(0, 100), Gen.Choose(0, 5000))
        from seed in Gen.Choose(0, int.MaxValue)
        from key in Gen.Choose(int.MinValue, int.MaxValue)
        from offset in Gen.Choose(0, 3)
        from pieces in Chunking.Gen
        select new MaskCase(Hex.Random(seed, length), (uint)key, offset, pieces);

    [Property(MaxTest = 200)]
    public Property Masking_twice_restores_the_data()
        => Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var data = (byte[])c.Data.Clone();
            Masking.Apply(data, c.Key, c.Offset);
            Masking.Apply(data, c.Key, c.Offset);
            Assert.Equal(c.Data, data);
        });

    [Property(MaxTest = 200)]
    public Property Masking_in_pieces_with_the_returned_offset_equals_masking_the_whole()
        => Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var whole = (byte[])c.Data.Clone();
            Masking.Apply(whole, c.Key, c.Offset);

            var pieces = (byte[])c.Data.Clone();
            int offset = c.Offset, position = 0;
            for (int i = 0; position < pieces.Length; i++)
            {
                int n = Math.Min(c.Pieces[i], pieces.Length - position);
                offset = Masking.Apply(pieces.AsSpan(position, n), c.Key, offset);
                position += n;
            }
            Assert.Equal(whole, pieces);
            Assert.Equal((c.Offset + c.Data.Length) % 4, offset);
        });

    [Property(MaxTest = 100)]
    public Property Masking_while_copying_equals_masking_in_place()
        => Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var inPlace = (byte[])c.Data.Clone();
            int a = Masking.Apply(inPlace, c.Key, c.Offset);
            var copy = new byte[c.Data.Length];
            var source = (byte[])c.Data.Clone();
            int b = Masking.Apply(source, copy, c.Key, c.Offset);
            Assert.Equal(inPlace, copy);
            Assert.Equal(a, b);
            Assert.Equal(c.Data, source); // the source is only read
        });
}
