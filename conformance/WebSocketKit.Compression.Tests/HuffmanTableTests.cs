using FsCheck.Xunit;
using WebSocketKit.Protocol.Compression;
using Xunit;
using static WebSocketKit.Protocol.Compression.HuffmanTable;

namespace WebSocketKit.Compression.Tests;

/// <summary>
/// The decoding tables: every slot of the primary table names the code its index bits start with, and a
/// literal pair entry names exactly the two literals those bits start with.
/// </summary>
public class HuffmanTableTests
{
    // A random complete prefix code over some literal/length symbols (256 always among them), lengths
    // 1..15: split random leaves of a code tree until it has the wanted number of leaves.
    private static byte[] RandomCode(int seed)
    {
        var rnd = new Random(seed);
        var leaves = new List<int> { 0 };
        int wanted = 2 + rnd.Next(100);
        while (leaves.Count < wanted)
        {
            int i = rnd.Next(leaves.Count);
            if (leaves[i] == 15) continue;
            int depth = ++leaves[i];
            leaves.Add(depth);
        }
        var symbols = Enumerable.Range(0, 286).Where(s => s != 256).OrderBy(_ => rnd.Next()).Take(leaves.Count - 1).Append(256).ToArray();
        var lengths = new byte[286];
        for (int i = 0; i < leaves.Count; i++) lengths[symbols[i]] = (byte)leaves[i];
        return lengths;
    }

    // The symbol whose code the low bits of `index` start with (codes are sent MSB first), by reading
    // them one at a time against the canonical code of RFC 1951 section 3.2.2.
    private static Func<int, (int symbol, int length)> Decoder(byte[] lengths)
    {
        var codes = new Dictionary<(int length, int code), int>();
        int code = 0;
        for (int len = 1; len <= 15; len++)
        {
            code = (code + lengths.Count(l => l == len - 1 && len > 1)) << 1;
            for (int s = 0; s < lengths.Length; s++)
                if (lengths[s] == len) codes[(len, code++)] = s;
            code -= lengths.Count(l => l == len);
        }
        return index =>
        {
            int bits = 0;
            for (int len = 1; len <= 15; len++)
            {
                bits = (bits << 1) | ((index >> (len - 1)) & 1);
                if (codes.TryGetValue((len, bits), out int symbol)) return (symbol, len);
            }
            throw new InvalidOperationException("not a complete code");
        };
    }

    // The literal/length table of a random code, and the reference decoder of that code.
    private static (uint[] table, Func<int, (int symbol, int length)> decode) RandomTable(int seed)
    {
        var lengths = RandomCode(seed);
        var table = new uint[LitLenTableSize];
        Assert.True(Build(lengths, LitLenSymbols, table, LitLenPrimaryBits, allowIncomplete: false));
        return (table, Decoder(lengths));
    }

    [Property(MaxTest = 25)]
    public void Every_primary_slot_decodes_the_code_its_bits_start_with(int seed)
    {
        var (table, decode) = RandomTable(seed);
        for (int i = 0; i < 1 << LitLenPrimaryBits; i++)
        {
            uint e = table[i];
            if ((e & LinkFlag) != 0) e = Follow(ref table[0], e, (ulong)(uint)(i | (i << LitLenPrimaryBits)), LitLenPrimaryBits);
            // Slots of long codes are checked through their sub-table with a guess at the later bits.
            var (symbol, length) = decode(i | (i << LitLenPrimaryBits));
            Assert.Equal(length, (int)(e >> 8) & 15);
            Assert.Equal(LitLenSymbols[symbol] + (uint)length * 0x101, e);
        }
    }

    [Property(MaxTest = 25)]
    public void A_pair_entry_holds_the_two_literals_its_bits_start_with_and_every_possible_pair_is_made(int seed)
    {
        var (singles, decode) = RandomTable(seed);
        var paired = (uint[])singles.Clone();
        AddLiteralPairs(paired, LitLenPrimaryBits);
        for (int i = 0; i < 1 << LitLenPrimaryBits; i++)
        {
            uint first = singles[i], pair = paired[i];
            int l1 = (int)(first >> 8) & 15;
            bool literalFirst = (first & LiteralFlag) != 0;
            uint second = literalFirst ? singles[i >> l1] : 0;
            int l2 = (int)(second >> 8) & 15;
            if (!literalFirst || (second & LiteralFlag) == 0 || l1 + l2 > LitLenPrimaryBits)
            {
                Assert.Equal(first, pair);
                continue;
            }
            var (s1, n1) = decode(i);
            var (s2, n2) = decode(i >> n1);
            Assert.Equal(LiteralFlag | PairFlag, pair & KindFlags);
            Assert.Equal((n1 + n2, n1, s1, s2), ((int)(pair & 0xFF), (int)(pair >> 8) & 15, (int)(pair >> 16) & 0xFF, (int)(pair >> 24)));
        }
    }
}
