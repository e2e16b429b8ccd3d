namespace WebSocketKit.Fuzz.Targets;

/// <summary>
/// How an input is cut into the pieces fed to a streaming decoder, chosen by the input itself so
/// the fuzzer can search for splits that break the decoder. On the wire it is a count byte (low 4
/// bits: 0-15 entries) followed by that many entries; each entry is one piece length: the low 7
/// bits, times 64 when the top bit is set. The entries repeat until the data runs out. No entries
/// means the whole data in one piece. A zero entry gives an empty piece, but never two in a row,
/// so feeding always ends.
/// </summary>
public ref struct ChunkSchedule
{
    private readonly ReadOnlySpan<byte> _entries;
    private int _next;
    private bool _lastWasEmpty;

    private ChunkSchedule(ReadOnlySpan<byte> entries) => _entries = entries;

    /// <summary>Reads a schedule from the front of <paramref name="input"/>; the rest is the data.</summary>
    public static ChunkSchedule Read(ref ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return default;
        int count = Math.Min(input[0] & 0x0F, input.Length - 1);
        var schedule = new ChunkSchedule(input.Slice(1, count));
        input = input[(1 + count)..];
        return schedule;
    }

    /// <summary>The length of the next piece, at most <paramref name="remaining"/>.</summary>
    public int Next(int remaining)
    {
        if (_entries.IsEmpty) return remaining;
        byte entry = _entries[_next];
        _next = (_next + 1) % _entries.Length;
        int size = (entry & 0x80) != 0 ? (entry & 0x7F) * 64 : entry;
        if (size == 0 && (_lastWasEmpty || remaining == 0)) size = 1;
        _lastWasEmpty = size == 0;
        return Math.Min(size, remaining);
    }

    /// <summary>
    /// The non-empty pieces a stream of <paramref name="length"/> bytes is handed out in (what
    /// <see cref="InMemoryDuplexStream"/> takes).
    /// </summary>
    public List<int> Pieces(int length)
    {
        var pieces = new List<int>();
        for (int pos = 0; pos < length;)
        {
            int n = Next(length - pos);
            if (n > 0) pieces.Add(n);
            pos += n;
        }
        return pieces;
    }

    /// <summary>Encodes a schedule (for seeds): the count byte then the entries.</summary>
    public static byte[] Encode(params byte[] entries)
    {
        if (entries.Length > 15) throw new ArgumentException("At most 15 entries.", nameof(entries));
        return [(byte)entries.Length, .. entries];
    }
}
