using System.Collections;

namespace WebSocketKit.Protocol.Handshake;

/// <summary>
/// The header fields of an HTTP/1.1 message in wire order. Field names compare without regard to
/// case (RFC 7230 section 3.2); a name may repeat, and for list-valued fields such as
/// <c>Connection</c> or <c>Sec-WebSocket-Protocol</c> every occurrence counts as if the values had
/// been joined with commas (section 3.2.2).
/// </summary>
public sealed class HttpHeaderList : IEnumerable<KeyValuePair<string, string>>
{
    private readonly List<KeyValuePair<string, string>> _fields = new();

    /// <summary>The number of fields, counting repeats.</summary>
    public int Count => _fields.Count;

    /// <summary>Appends a field. The connection layer neutralises CR/LF when it writes it.</summary>
    public HttpHeaderList Add(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        _fields.Add(new(name, value));
        return this;
    }

    /// <summary>The value of the first field named <paramref name="name"/>, or null.</summary>
    public string? Get(string name)
    {
        foreach (var f in _fields)
            if (string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)) return f.Value;
        return null;
    }

    /// <summary>The values of every field named <paramref name="name"/>, in wire order.</summary>
    public IEnumerable<string> Values(string name)
    {
        foreach (var f in _fields)
            if (string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)) yield return f.Value;
    }

    /// <summary>How many fields are named <paramref name="name"/>.</summary>
    public int CountOf(string name)
    {
        int n = 0;
        foreach (var f in _fields)
            if (string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)) n++;
        return n;
    }

    /// <summary>True when a field named <paramref name="name"/> is present.</summary>
    public bool Contains(string name) => CountOf(name) > 0;

    /// <summary>
    /// The comma-separated elements of every field named <paramref name="name"/>, trimmed of
    /// optional whitespace, empty elements skipped (RFC 7230 section 7 list rule).
    /// </summary>
    public IEnumerable<string> Tokens(string name)
    {
        foreach (var f in _fields)
        {
            if (!string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var part in f.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                yield return part;
        }
    }

    /// <summary>True when the list field <paramref name="name"/> holds <paramref name="token"/>, any case.</summary>
    public bool ContainsToken(string name, string token)
    {
        foreach (var t in Tokens(name))
            if (string.Equals(t, token, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _fields.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
