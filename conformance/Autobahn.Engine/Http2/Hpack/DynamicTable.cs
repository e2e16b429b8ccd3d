namespace Autobahn.Engine.Http2.Hpack;

/// <summary>HPACK's dynamic table (RFC 7541 §2.3.2, §4): newest entry first, evicting the oldest past the size limit.</summary>
public sealed class DynamicTable(int maxSize)
{
    private readonly LinkedList<HeaderField> _entries = new();

    public int MaxSize { get; private set; } = maxSize;
    public int Size { get; private set; }
    public int Count => _entries.Count;

    /// <summary>Entry 1 is the newest.</summary>
    public HeaderField this[int index] => _entries.ElementAt(index - 1);

    public void Add(HeaderField field)
    {
        // An entry larger than the whole table empties it and is not added (RFC 7541 §4.4).
        Size += field.Size;
        _entries.AddFirst(field);
        Evict();
    }

    public void Resize(int maxSize)
    {
        MaxSize = maxSize;
        Evict();
    }

    private void Evict()
    {
        while (Size > MaxSize && _entries.Last is { } oldest)
        {
            Size -= oldest.Value.Size;
            _entries.RemoveLast();
        }
    }
}
