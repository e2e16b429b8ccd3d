using System.Globalization;

namespace Autobahn.Vocabulary;

/// <summary>A dotted case id such as "6.4.1"; ordered numerically part by part, as the suite lists its cases.</summary>
public sealed class CaseId : IComparable<CaseId>, IEquatable<CaseId>
{
    private readonly int[] _parts;

    private CaseId(string text, int[] parts)
    {
        Text = text;
        _parts = parts;
    }

    /// <summary>Suite order for ids kept as plain strings: 1.2.9 before 1.2.10, 9.x before 10.x.</summary>
    public static readonly IComparer<string> SuiteOrder = Comparer<string>.Create(Compare);

    /// <summary>
    /// The order of the case keys in the suite's index.json: plain string order, because the suite writes it with
    /// Python's sort_keys (1.1.10 before 1.1.2). Pages and lists use <see cref="SuiteOrder"/> instead.
    /// </summary>
    public static readonly IComparer<string> IndexKeyOrder = StringComparer.Ordinal;

    public string Text { get; }

    /// <summary>The first number of the id: the chapter.</summary>
    public int Chapter => _parts[0];

    public IReadOnlyList<int> Parts => _parts;

    /// <exception cref="FormatException">A part is empty or not a plain non-negative number.</exception>
    public static CaseId Parse(string text)
    {
        var pieces = text.Split('.');
        var parts = new int[pieces.Length];
        for (var i = 0; i < pieces.Length; i++)
        {
            // NumberStyles.None: no sign, no spaces, so "1. 2" or "-1" are not ids.
            if (!int.TryParse(pieces[i], NumberStyles.None, CultureInfo.InvariantCulture, out parts[i]))
            {
                throw new FormatException($"'{text}' is not a dotted case id");
            }
        }
        return new CaseId(text, parts);
    }

    /// <summary>Compares two ids given as text, in suite order.</summary>
    public static int Compare(string? a, string? b) =>
        a is null || b is null ? string.CompareOrdinal(a, b) : Parse(a).CompareTo(Parse(b));

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
