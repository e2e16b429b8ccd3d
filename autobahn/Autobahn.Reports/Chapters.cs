namespace Autobahn.Runner.Reports;

/// <summary>A row of the summary: one chapter of the suite, or 12 and 13 together (both are permessage-deflate).</summary>
public sealed record Chapter(string Key, string Title, IReadOnlyList<int> Numbers)
{
    public bool Contains(CaseId id) => Numbers.Contains(id.Chapter);
}

public static class Chapters
{
    public static readonly IReadOnlyList<Chapter> All =
    [
        new("1", "Framing", [1]),
        new("2", "Pings/Pongs", [2]),
        new("3", "Reserved bits", [3]),
        new("4", "Opcodes", [4]),
        new("5", "Fragmentation", [5]),
        new("6", "UTF-8", [6]),
        new("7", "Close", [7]),
        new("9", "Limits/Performance", [9]),
        new("10", "Misc", [10]),
        new("12/13", "Compression", [12, 13]),
    ];

    /// <summary>The row a case belongs to; a chapter the suite may add later gets a row of its own.</summary>
    public static Chapter For(CaseId id) =>
        All.FirstOrDefault(c => c.Contains(id)) ?? new Chapter(id.Chapter.ToString(System.Globalization.CultureInfo.InvariantCulture), "Other", [id.Chapter]);
}
