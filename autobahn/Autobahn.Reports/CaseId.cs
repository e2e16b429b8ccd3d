namespace Autobahn.Runner.Reports;

/// <summary>A dotted case id such as "6.4.1"; ordered numerically part by part, as the suite lists them.</summary>
public sealed class CaseId : IComparable<CaseId>, IEquatable<CaseId>
{
    private readonly int[] _parts;

    private CaseId(string text, int[] parts)
    {
        Text = text;
        _parts = parts;
    }

    public string Text { get; }

    /// <summary>The first number of the id: the chapter.</summary>
    public int Chapter => _parts[0];

    public IReadOnlyList<int> Parts => _parts;

    public static CaseId Parse(string text)
    {
        var pieces = text.Split('.');
        var parts = new int[pieces.Length];
        for (var i = 0; i < pieces.Length; i++)
        {
            if (!int.TryParse(pieces[i], System.Globalization.NumberStyles.None, null, out parts[i]))
            {
                throw new FormatException($"'{text}' is not a dotted case id");
            }
        }
        return new CaseId(text, parts);
    }

    public int CompareTo(CaseId? other)
    {
        if (other is null) return 1;
        var n = Math.Min(_parts.Length, other._parts.Length);
        for (var i = 0; i < n; i++)
        {
            var c = _parts[i].CompareTo(other._parts[i]);
            if (c != 0) return c;
        }
        return _parts.Length.CompareTo(other._parts.Length);
    }

    public bool Equals(CaseId? other) => other is not null && other.Text == Text;

    public override bool Equals(object? obj) => Equals(obj as CaseId);

    public override int GetHashCode() => Text.GetHashCode(StringComparison.Ordinal);

    public override string ToString() => Text;
}
