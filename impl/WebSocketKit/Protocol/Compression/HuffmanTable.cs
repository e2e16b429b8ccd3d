namespace WebSocketKit.Protocol.Compression;

/// <summary>
/// Builds the lookup tables the inflater decodes Huffman codes with (RFC 1951 section 3.2.2).
/// A table is a primary array indexed by the next <c>primaryBits</c> input bits (LSB first, so codes are
/// stored bit-reversed), followed by sub-tables for codes longer than that. Each entry is a packed uint:
/// bits 0-7 the total code length, bits 8-11 the kind, bits 12-15 extra bits (or sub-table index bits),
/// bits 16-31 the value (literal byte, base length/distance, symbol, or sub-table offset).
/// </summary>
internal static class HuffmanTable
{
    public const uint KindInvalid = 0, KindLiteral = 1, KindBase = 2, KindEndOfBlock = 3, KindSubTable = 4;

    /// <summary>Unused slots of an incomplete code: length 16 is more than any real code, so a decoder
    /// holding fewer than 16 bits asks for input first and only then reports the code as invalid.</summary>
    public const uint InvalidEntry = 16;

    public const int LitLenPrimaryBits = 10, DistPrimaryBits = 8, CodeLenPrimaryBits = 7;
    // Worst case: every symbol longer than the primary width has its own sub-table of 2^(15 - primary) slots.
    public const int LitLenTableSize = (1 << LitLenPrimaryBits) + 288 * (1 << (15 - LitLenPrimaryBits));
    public const int DistTableSize = (1 << DistPrimaryBits) + 32 * (1 << (15 - DistPrimaryBits));
    public const int CodeLenTableSize = 1 << CodeLenPrimaryBits;

    public static uint Entry(uint kind, uint extra, uint value) => (kind << 8) | (extra << 12) | (value << 16);

    /// <summary>Kind, extra bits and value for each literal/length symbol 0..287 (length 0 in bits 0-7).</summary>
    public static readonly uint[] LitLenSymbols = BuildLitLenSymbols();
    /// <summary>Kind, extra bits and base distance for each distance symbol 0..31.</summary>
    public static readonly uint[] DistSymbols = BuildDistSymbols();
    /// <summary>Code-length alphabet symbols 0..18 map to themselves.</summary>
    public static readonly uint[] CodeLenSymbols = Enumerable.Range(0, 19).Select(i => Entry(KindLiteral, 0, (uint)i)).ToArray();

    public static readonly uint[] FixedLitLen = BuildFixed(true);
    public static readonly uint[] FixedDist = BuildFixed(false);

    private static uint[] BuildLitLenSymbols()
    {
        var t = new uint[288];
        for (int i = 0; i < 256; i++) t[i] = Entry(KindLiteral, 0, (uint)i);
        t[256] = Entry(KindEndOfBlock, 0, 0);
        for (int s = 257; s < 286; s++) t[s] = Entry(KindBase, (uint)DeflateConstants.LengthExtra[s - 257], (uint)DeflateConstants.LengthBase[s - 257]);
        // 286 and 287 take part in the fixed code but may never appear in data.
        t[286] = t[287] = Entry(KindInvalid, 0, 0);
        return t;
    }

    private static uint[] BuildDistSymbols()
    {
        var t = new uint[32];
        for (int s = 0; s < 30; s++) t[s] = Entry(KindBase, (uint)DeflateConstants.DistExtra[s], (uint)DeflateConstants.DistBase[s]);
        t[30] = t[31] = Entry(KindInvalid, 0, 0);
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
    public static bool Build(ReadOnlySpan<byte> lengths, uint[] symbols, uint[] table, int primaryBits, bool allowIncomplete)
    {
        Span<int> count = stackalloc int[16];
        Span<int> next = stackalloc int[16];
        count.Clear();
        int maxLen = 0;
        foreach (byte l in lengths)
        {
            count[l]++;
            if (l > maxLen) maxLen = l;
        }
        int primarySize = 1 << primaryBits;
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
        // A complete code covers every slot, so only an incomplete one needs the invalid markers first.
        // Sub-table links are recognised by kind, so stale slots from an earlier block must not look like links.
        bool complete = left == 0;
        if (!complete) table.AsSpan(0, primarySize).Fill(InvalidEntry);
        else if (maxLen > primaryBits) table.AsSpan(0, primarySize).Clear();

        int code = 0;
        count[0] = 0;
        for (int len = 1; len <= 15; len++)
        {
            code = (code + count[len - 1]) << 1;
            next[len] = code;
        }

        int subBits = Math.Max(0, maxLen - primaryBits);
        int subSize = 1 << subBits;
        int used = primarySize;
        for (int sym = 0; sym < lengths.Length; sym++)
        {
            int len = lengths[sym];
            if (len == 0) continue;
            int rev = Reverse(next[len]++, len);
            uint entry = symbols[sym] | (uint)len;
            if (len <= primaryBits)
            {
                for (int i = rev; i < primarySize; i += 1 << len) table[i] = entry;
                continue;
            }
            int prefix = rev & (primarySize - 1);
            uint link = table[prefix];
            int offset;
            if (((link >> 8) & 15) == KindSubTable) offset = (int)(link >> 16);
            else
            {
                offset = used;
                used += subSize;
                if (!complete) table.AsSpan(offset, subSize).Fill(InvalidEntry);
                table[prefix] = Entry(KindSubTable, (uint)subBits, (uint)offset);
            }
            int rest = len - primaryBits;
            for (int i = rev >> primaryBits; i < subSize; i += 1 << rest) table[offset + i] = entry;
        }
        return true;
    }

    private static int Reverse(int code, int len)
    {
        int r = 0;
        for (int i = 0; i < len; i++)
        {
            r = (r << 1) | (code & 1);
            code >>= 1;
        }
        return r;
    }
}
