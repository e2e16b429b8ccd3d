namespace Autobahn.Engine.Http2.Hpack;

/// <summary>Decodes HPACK's Huffman-coded strings (RFC 7541 §5.2), strictly: EOS in the data and bad padding are errors.</summary>
public static class Huffman
{
    // A binary tree in two arrays: _next[node * 2 + bit] is the child node, or -(symbol + 1) for a leaf.
    private static readonly int[] Next = BuildTree();

    private static int[] BuildTree()
    {
        var next = new List<int> { 0, 0 };
        for (int symbol = 0; symbol <= HuffmanTable.Eos; symbol++)
        {
            uint code = HuffmanTable.Codes[symbol];
            int length = HuffmanTable.Lengths[symbol];
            int node = 0;
            for (int i = length - 1; i >= 0; i--)
            {
                int slot = node * 2 + (int)((code >> i) & 1);
                if (i == 0)
                {
                    next[slot] = -(symbol + 1);
                }
                else
                {
                    if (next[slot] == 0)
                    {
                        next[slot] = next.Count / 2;
                        next.Add(0);
                        next.Add(0);
                    }
                    node = next[slot];
                }
            }
        }
        return [.. next];
    }

    public static byte[] Decode(ReadOnlySpan<byte> data)
    {
        var output = new List<byte>(data.Length * 8 / 5);
        int node = 0;
        int bitsSinceSymbol = 0;
        bool allOnes = true;
        foreach (byte b in data)
        {
            for (int i = 7; i >= 0; i--)
            {
                int bit = (b >> i) & 1;
                int child = Next[node * 2 + bit];
                bitsSinceSymbol++;
                allOnes &= bit == 1;
                if (child < 0)
                {
                    int symbol = -child - 1;
                    if (symbol == HuffmanTable.Eos) throw new HpackException("a Huffman-coded string contains the EOS symbol");
                    output.Add((byte)symbol);
                    node = 0;
                    bitsSinceSymbol = 0;
                    allOnes = true;
                }
                else if (child == 0)
                {
                    throw new HpackException("a Huffman-coded string has a code that is not in the table");
                }
                else
                {
                    node = child;
                }
            }
        }
        // What is left must be padding: fewer than 8 bits, all ones (the start of EOS).
        if (bitsSinceSymbol > 7) throw new HpackException("a Huffman-coded string has more than 7 bits of padding");
        if (!allOnes) throw new HpackException("a Huffman-coded string is padded with bits other than EOS's");
        return [.. output];
    }
}
