namespace Autobahn.Engine.Http2.Hpack;

/// <summary>One header field. Names and values hold octets one char each (Latin-1), so nothing a peer sends is lost in decoding.</summary>
public sealed record HeaderField(string Name, string Value)
{
    /// <summary>The size HPACK charges for an entry (RFC 7541 §4.1): both lengths plus 32.</summary>
    public int Size => Name.Length + Value.Length + 32;

    public override string ToString() => $"{Name}: {Value}";
}

/// <summary>Looks fields up in a decoded header list.</summary>
public static class HeaderFields
{
    public static string? Get(this IReadOnlyList<HeaderField> fields, string name) =>
        fields.FirstOrDefault(f => f.Name == name)?.Value;

    public static bool Has(this IReadOnlyList<HeaderField> fields, string name) => fields.Any(f => f.Name == name);
}
