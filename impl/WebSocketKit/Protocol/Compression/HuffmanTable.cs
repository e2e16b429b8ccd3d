using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace WebSocketKit.Protocol.Compression;

/// <summary>
/// Builds the lookup tables the inflater decodes Huffman codes with (RFC 1951 section 3.2.2).
/// A table is a primary array indexed by the next <c>primaryBits</c> input bits (LSB first, so codes are
/// stored bit-reversed), followed by sub-tables for codes longer than that. Each entry is a packed uint:
/// bits 0-7 the bits it consumes (the code length, plus the extra bits for a length or distance),
/// bits 8-11 the code length alone (where the extra bits start; for a link, the sub-table's index width),
/// bits 12-15 the kind flags (none for a length or distance base), bits 16-31 the value (literal byte,
/// base length/distance, code-length symbol, or sub-table offset). The layout lets the decoder test a kind
/// with one mask and consume a length with its extra bits in one shift. A literal pair entry (see
/// <see cref="AddLiteralPairs"/>) holds two literals that follow each other within the primary width.
/// </summary>
internal static class HuffmanTable
{
    public const uint LiteralFlag = 0x8000, EndOfBlockFlag = 0x4000, LinkFlag = 0x2000, InvalidFlag = 0x1000, KindFlags = 0xF000;

    /// <summary>With <see cref="LiteralFlag"/>: a pair of literals, the second in bits 24-31; bits 0-7 hold
    /// both codes' lengths, bits 8-11 the first's alone (so it also reads as that single literal).</summary>
    public const uint PairFlag = InvalidFlag;

    /// <summary>Unused slots of an incomplete code: 16 bits is more than any real code, so a decoder
    /// holding fewer than 16 bits asks for input first and only then reports the code as invalid.</summary>
    public const uint InvalidEntry = InvalidFlag | 16;

    public const int LitLenPrimaryBits = 10, DistPrimaryBits = 8, CodeLenPrimaryBits = 7;
    // Worst case: every symbol longer than the primary width has its own sub-table of 2^(15 - primary) slots.
    public const int LitLenTableSize = (1 << LitLenPrimaryBits) + 288 * (1 << (15 - LitLenPrimaryBits));
    public const int DistTableSize = (1 << DistPrimaryBits) + 32 * (1 << (15 - DistPrimaryBits));
    public const int CodeLenTableSize = 1 << CodeLenPrimaryBits;

    private static uint Entry(uint flags, uint low, uint value) => flags | low | (value << 16);

    /// <summary>The value of a length's or distance's extra bits, which follow its code in <paramref name="bits"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ExtraBits(uint entry, ulong bits) => (int)(((uint)bits & ~(uint.MaxValue << (int)(entry & 0xFF))) >> (int)((entry >> 8) & 15));

    /// <summary>The entry a sub-table link points to for the bits after the primary index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Follow(ref uint table, uint link, ulong bits, int primaryBits) =>
        Unsafe.Add(ref table, (int)(link >> 16) + ((int)(bits >> primaryBits) & ((1 << (int)((link >> 8) & 15)) - 1)));

    // Declared before the fixed tables, whose initializers use it.
    private static readonly byte[] ReversedBytes = Enumerable.Range(0, 256)
        .Select(b => (byte)(((b & 1) << 7) | ((b & 2) << 5) | ((b & 4) << 3) | ((b & 8) << 1) | ((b >> 1) & 8) | ((b >> 3) & 4) | ((b >> 5) & 2) | (b >> 7)))
        .ToArray();

    /// <summary>Each literal/length symbol's entry without its code length (extra bits in bits 0-7).</summary>
    public static readonly uint[] LitLenSymbols = BuildLitLenSymbols();
    /// <summary>Each distance symbol's entry without its code length (extra bits in bits 0-7).</summary>
    public static readonly uint[] DistSymbols = BuildDistSymbols();
    /// <summary>Code-length alphabet symbols 0..18 map to themselves.</summary>
    public static readonly uint[] CodeLenSymbols = Enumerable.Range(0, 19).Select(i => Entry(LiteralFlag, 0, (uint)i)).ToArray();

    public static readonly uint[] FixedLitLen = BuildFixed(true);
    public static readonly uint[] FixedDist = BuildFixed(false);

    private static uint[] BuildLitLenSymbols()
    {
        var t = new uint[288];
        for (int i = 0; i < 256; i++) t[i] = Entry(LiteralFlag, 0, (uint)i);
        t[256] = Entry(EndOfBlockFlag, 0, 0);
        for (int s = 257; s < 286; s++) t[s] = Entry(0, DeflateConstants.LengthExtra[s - 257], DeflateConstants.LengthBase[s - 257]);
        // 286 and 287 take part in the fixed code but may never appear in data.
        t[286] = t[287] = Entry(InvalidFlag, 0, 0);
        return t;
    }

    private static uint[] BuildDistSymbols()
    {
        var t = new uint[32];
        for (int s = 0; s < 30; s++) t[s] = Entry(0, DeflateConstants.DistExtra[s], DeflateConstants.DistBase[s]);
        t[30] = t[31] = Entry(InvalidFlag, 0, 0);
        return t;
    }

    private static uint[] BuildFixed(bool litLen)
    {
        if (litLen)
        {
            var lens = new byte[288];
            for (int i = 0; i < 288; i++) lens[i] = (byte)(i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8);
            var table = new uint[LitLenTableSize];
            if (!Build(lens, LitLenSymbols, table, LitLenPrimaryBits, allowIncomplete: false)) throw new InvalidOperationException("fixed table");
            return table;
        }
        var d = new byte[32];
        d.AsSpan().Fill(5);
        var dt = new uint[DistTableSize];
        if (!Build(d, DistSymbols, dt, DistPrimaryBits, allowIncomplete: false)) throw new InvalidOperationException("fixed table");
        return dt;
    }

    /// <summary>
    /// Fills <paramref name="table"/> for the code with the given code lengths. False when the lengths do not
    /// form a prefix code: over-subscribed, or incomplete where the format allows that only for a single
    /// one-bit code (RFC 1951 section 3.2.7, as zlib reads it).
    /// </summary>
    [SkipLocalsInit] // every stack buffer is written before it is read
    public static bool Build(ReadOnlySpan<byte> lengths, uint[] symbols, uint[] table, int primaryBits, bool allowIncomplete)
    {
        const int MaxSymbols = 288;
        int primarySize = 1 << primaryBits;
        if (lengths.Length > Math.Min(MaxSymbols, symbols.Length) || table.Length < primarySize) throw new ArgumentException("not a DEFLATE alphabet");

        // How many symbols have each code length, in four interleaved tallies so that runs of equal
        // lengths do not wait on one counter.
        Span<int> tally = stackalloc int[64];
        tally.Clear();
        int n = 0;
        for (; n + 4 <= lengths.Length; n += 4)
        {
            tally[lengths[n] & 15]++;
            tally[16 + (lengths[n + 1] & 15)]++;
            tally[32 + (lengths[n + 2] & 15)]++;
            tally[48 + (lengths[n + 3] & 15)]++;
        }
        for (; n < lengths.Length; n++) tally[lengths[n] & 15]++;
        Span<int> count = stackalloc int[16];
        int maxLen = 0;
        for (int l = 0; l < 16; l++)
        {
            count[l] = tally[l] + tally[16 + l] + tally[32 + l] + tally[48 + l];
            if (l > 0 && count[l] != 0) maxLen = l;
        }
        if (maxLen == 0)
        {
            table.AsSpan(0, primarySize).Fill(InvalidEntry); // no codes at all: every lookup is invalid
            return true;
        }
        int left = 1;
        for (int len = 1; len <= 15; len++)
        {
            left = (left << 1) - count[len];
            if (left < 0) return false;
        }
        if (left > 0 && !(allowIncomplete && maxLen == 1)) return false;
        // An incomplete code (one code of one bit) leaves a slot no code reaches: it must read as invalid.
        if (left > 0) table.AsSpan(0, 2).Fill(InvalidEntry);

        // The lengths, zero-padded to whole vectors, so that each length's symbols can be found 16 at a time.
        int chunks = (lengths.Length + 15) >> 4;
        Span<byte> padded = stackalloc byte[MaxSymbols];
        lengths.CopyTo(padded);
        padded[lengths.Length..(chunks << 4)].Clear();
        ref byte lp = ref MemoryMarshal.GetReference(padded);

        // Codes are handed out in canonical order (by length, then symbol), counting up. The primary table
        // grows by doubling: while it is 2^len slots wide, each code of length len owns one slot, and
        // copying the lower half up before the next length repeats every shorter code wherever its unused
        // index bits are 1.
        ref uint t = ref MemoryMarshal.GetArrayDataReference(table);
        ref uint sy = ref MemoryMarshal.GetArrayDataReference(symbols);
        int code = 0;
        int shortMax = Math.Min(maxLen, primaryBits);
        for (int len = 1; len <= shortMax; len++)
        {
            code <<= 1; // the first code of this length follows the last of the previous one
            if (len > 1) table.AsSpan(0, 1 << (len - 1)).CopyTo(table.AsSpan(1 << (len - 1)));
            if (count[len] != 0) code = PlaceShortCodes(ref lp, chunks, len, code, ref t, ref sy);
        }
        for (int size = 1 << shortMax; size < primarySize; size <<= 1) table.AsSpan(0, size).CopyTo(table.AsSpan(size));
        if (maxLen <= primaryBits) return true;

        // Longer codes (few) go to sub-tables. Their primary-width prefixes count up with the codes, so codes
        // sharing a sub-table come one after another; each new prefix gets a sub-table and a link in its
        // primary slot.
        Span<ushort> longSymbols = stackalloc ushort[MaxSymbols];
        int longCount = 0;
        var shortest = Vector128.Create((byte)primaryBits);
        for (int chunk = 0; chunk < chunks; chunk++)
        {
            uint found = Vector128.GreaterThan(Vector128.LoadUnsafe(ref lp, (nuint)(chunk << 4)), shortest).ExtractMostSignificantBits();
            for (; found != 0; found &= found - 1) longSymbols[longCount++] = (ushort)((chunk << 4) + BitOperations.TrailingZeroCount(found));
        }
        int subBits = maxLen - primaryBits;
        int subSize = 1 << subBits;
        int used = primarySize, prefix = -1, offset = 0;
        for (int len = primaryBits + 1; len <= maxLen; len++)
        {
            code <<= 1;
            foreach (int sym in longSymbols[..longCount])
            {
                if (lengths[sym] != len) continue;
                int rev = Reverse(code++, len);
                int p = rev & (primarySize - 1);
                if (p != prefix)
                {
                    prefix = p;
                    offset = used;
                    used += subSize;
                    if (used > table.Length) return false; // cannot happen for a prefix code; keeps the writes in range
                    table[p] = Entry(LinkFlag, (uint)subBits << 8, (uint)offset);
                }
                uint entry = symbols[sym] + (uint)len * 0x101; // the length into bits 0-7 and 8-11
                // In range: offset + subSize <= used <= table.Length.
                for (int k = rev >> primaryBits; k < subSize; k += 1 << (len - primaryBits)) Unsafe.Add(ref t, offset + k) = entry;
            }
        }
        return true;
    }

    /// <summary>
    /// Writes the primary slot of each symbol with code length <paramref name="len"/>, in symbol order from
    /// <paramref name="code"/> on; returns the code after the last. The lengths are scanned 16 at a time.
    /// </summary>
    private static int PlaceShortCodes(ref byte lengths, int chunks, int len, int code, ref uint table, ref uint symbols)
    {
        var wanted = Vector128.Create((byte)len);
        for (int chunk = 0; chunk < chunks; chunk++)
        {
            // In range: the caller's lengths buffer holds chunks * 16 bytes, zero past the real lengths.
            uint found = Vector128.Equals(Vector128.LoadUnsafe(ref lengths, (nuint)(chunk << 4)), wanted).ExtractMostSignificantBits();
            while (found != 0)
            {
                // In range: padding never matches (len >= 1), so sym is a real symbol, below symbols.Length;
                // the slot is below 2^len, within the primary table.
                int sym = (chunk << 4) + BitOperations.TrailingZeroCount(found);
                found &= found - 1;
                Unsafe.Add(ref table, Reverse(code++, len)) = Unsafe.Add(ref symbols, sym) + (uint)len * 0x101; // the length into bits 0-7 and 8-11
            }
        }
        return code;
    }

    /// <summary>
    /// Turns each primary entry whose literal is followed, within the primary width, by the code of another
    /// literal into a pair entry, so the decoder gets both from one lookup. Worth its cost (one pass over
    /// the primary table) only for blocks of some length.
    /// </summary>
    public static void AddLiteralPairs(uint[] table, int primaryBits)
    {
        int size = 1 << primaryBits;
        if (table.Length < size) throw new ArgumentException("not a primary table", nameof(table));
        ref uint t = ref MemoryMarshal.GetArrayDataReference(table);
        for (int i = 0; i < size; i++)
        {
            uint e = Unsafe.Add(ref t, i); // In range: i < size <= table.Length.
            if ((e & (LiteralFlag | PairFlag)) != LiteralFlag) continue;
            int first = (int)(e >> 8) & 15;
            // The slot for the bits after the first code; only its low primaryBits - first bits are known,
            // which settle the entry there if its code is no longer than that. A slot turned into a pair
            // earlier still reads as its first literal. In range: i >> first < size.
            uint next = Unsafe.Add(ref t, i >> first);
            int second = (int)(next >> 8) & 15;
            if ((next & LiteralFlag) == 0 || first + second > primaryBits) continue;
            Unsafe.Add(ref t, i) = LiteralFlag | PairFlag | (uint)(first + second) | ((uint)first << 8) | (e & 0xFF0000) | ((next & 0xFF0000) << 8);
        }
    }

    /// <summary>The low <paramref name="len"/> bits of <paramref name="code"/> in reverse order (codes are sent MSB first).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Reverse(int code, int len)
    {
        // In range: code < 2^15, so both byte indexes are below 256.
        ref byte r = ref MemoryMarshal.GetArrayDataReference(ReversedBytes);
        return ((Unsafe.Add(ref r, code & 0xFF) << 8) | Unsafe.Add(ref r, (code >> 8) & 0xFF)) >> (16 - len);
    }

}
