using System.Text;

namespace Autobahn.Engine.Http2.Hpack;

/// <summary>
/// Encodes header blocks the plainest way HPACK allows: every field a literal without indexing (the name by its
/// static-table index when it has one), no Huffman. It never touches the peer's dynamic table, so it needs no state,
/// and it writes exactly the fields it is given, in order, right or wrong: the cases decide what is sent.
/// </summary>
public static class HpackEncoder
{
    public static byte[] Encode(IEnumerable<HeaderField> fields)
    {
        var output = new List<byte>();
        foreach (var field in fields)
        {
            int nameIndex = StaticTable.IndexOfName(field.Name);
            WriteInteger(output, 0x00, 4, nameIndex);
            if (nameIndex == 0) WriteString(output, field.Name);
            WriteString(output, field.Value);
        }
        return [.. output];
    }

    /// <summary>An integer with an N-bit prefix (RFC 7541 §5.1), the first octet's high bits set to <paramref name="flags"/>.</summary>
    public static void WriteInteger(List<byte> output, byte flags, int prefixBits, int value)
    {
        int max = (1 << prefixBits) - 1;
        if (value < max)
        {
            output.Add((byte)(flags | value));
            return;
        }
        output.Add((byte)(flags | max));
        value -= max;
        while (value >= 0x80)
        {
            output.Add((byte)((value & 0x7F) | 0x80));
            value >>= 7;
        }
        output.Add((byte)value);
    }

    private static void WriteString(List<byte> output, string s)
    {
        var octets = Encoding.Latin1.GetBytes(s);
        WriteInteger(output, 0x00, 7, octets.Length);
        output.AddRange(octets);
    }
}
