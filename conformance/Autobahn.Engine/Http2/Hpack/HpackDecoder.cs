using System.Text;

namespace Autobahn.Engine.Http2.Hpack;

/// <summary>
/// Decodes header blocks (RFC 7541) for one direction of one connection: the static and dynamic tables, size
/// updates and Huffman strings. Bounded: a block that decodes to more than <paramref name="maxHeaderListSize"/>
/// (counted as HPACK counts entries) or asks for a table larger than we allowed is an error, never a large allocation.
/// </summary>
public sealed class HpackDecoder(int allowedTableSize = 4096, int maxHeaderListSize = 64 * 1024)
{
    private readonly DynamicTable _table = new(allowedTableSize);

    public int TableSize => _table.Size;
    public int TableCount => _table.Count;
    public HeaderField TableEntry(int index) => _table[index];

    public List<HeaderField> Decode(ReadOnlySpan<byte> block)
    {
        var fields = new List<HeaderField>();
        int listSize = 0;
        int pos = 0;
        bool fieldSeen = false;
        while (pos < block.Length)
        {
            byte b = block[pos];
            if ((b & 0x80) != 0)
            {
                int index = ReadInteger(block, ref pos, 7);
                Add(fields, Lookup(index), ref listSize);
                fieldSeen = true;
            }
            else if ((b & 0xE0) == 0x20)
            {
                // A table size update is only allowed at the start of a block (RFC 7541 §4.2).
                if (fieldSeen) throw new HpackException("a dynamic table size update after a header field");
                int size = ReadInteger(block, ref pos, 5);
                if (size > allowedTableSize) throw new HpackException($"a dynamic table size update to {size}, over the {allowedTableSize} we allowed");
                _table.Resize(size);
            }
            else
            {
                bool indexing = (b & 0xC0) == 0x40;
                int prefix = indexing ? 6 : 4;
                int nameIndex = ReadInteger(block, ref pos, prefix);
                string name = nameIndex == 0 ? ReadString(block, ref pos) : Lookup(nameIndex).Name;
                string value = ReadString(block, ref pos);
                var field = new HeaderField(name, value);
                Add(fields, field, ref listSize);
                if (indexing) _table.Add(field);
                fieldSeen = true;
            }
        }
        return fields;
    }

    private void Add(List<HeaderField> fields, HeaderField field, ref int listSize)
    {
        listSize += field.Size;
        if (listSize > maxHeaderListSize) throw new HpackException($"the header list is larger than {maxHeaderListSize} octets");
        fields.Add(field);
    }

    private HeaderField Lookup(int index)
    {
        if (index == 0) throw new HpackException("index 0 is not a table entry");
        if (index <= StaticTable.Entries.Length) return StaticTable.Entries[index - 1];
        int dynamic = index - StaticTable.Entries.Length;
        if (dynamic > _table.Count) throw new HpackException($"index {index} is past the end of the tables");
        return _table[dynamic];
    }

    /// <summary>An integer with an N-bit prefix (RFC 7541 §5.1); values past int's range are errors.</summary>
    public static int ReadInteger(ReadOnlySpan<byte> block, ref int pos, int prefixBits)
    {
        if (pos >= block.Length) throw new HpackException("the block ends inside an integer");
        int max = (1 << prefixBits) - 1;
        long value = block[pos++] & max;
        if (value < max) return (int)value;
        int shift = 0;
        while (true)
        {
            if (pos >= block.Length) throw new HpackException("the block ends inside an integer");
            byte b = block[pos++];
            value += (long)(b & 0x7F) << shift;
            if (value > int.MaxValue) throw new HpackException("an integer larger than this decoder accepts");
            if ((b & 0x80) == 0) return (int)value;
            shift += 7;
        }
    }

    private static string ReadString(ReadOnlySpan<byte> block, ref int pos)
    {
        if (pos >= block.Length) throw new HpackException("the block ends before a string");
        bool huffman = (block[pos] & 0x80) != 0;
        int length = ReadInteger(block, ref pos, 7);
        if (length > block.Length - pos) throw new HpackException("a string runs past the end of the block");
        var raw = block.Slice(pos, length);
        pos += length;
        return Encoding.Latin1.GetString(huffman ? Huffman.Decode(raw) : raw);
    }
}
