using System.Globalization;

namespace Autobahn.Vocabulary;

/// <summary>A row of the chapter table: one chapter of the suite, or 12 and 13 together (both are permessage-deflate).</summary>
/// <param name="Key">What the row is called in tables ("1", "12/13").</param>
/// <param name="Numbers">The chapter numbers (first part of the case id) the row counts.</param>
public sealed record Chapter(string Key, string Title, IReadOnlyList<int> Numbers)
{
    public bool Contains(CaseId id) => Numbers.Contains(id.Chapter);
}

/// <summary>The suite's chapters in its order, with the titles the reports show.</summary>
public static class Chapters
{
    // Before All: static initializers run in text order, and All lists this row.
    /// <summary>The permessage-deflate chapters: the only ones where a peer without the extension gets UNIMPLEMENTED.</summary>
    public static Chapter Compression { get; } = new("12/13", "Compression", [12, 13]);

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
        Compression,
    ];

    /// <summary>The row a case belongs to; a chapter the suite may add later gets a row of its own.</summary>
    public static Chapter For(CaseId id) =>
        All.FirstOrDefault(c => c.Contains(id)) ?? new Chapter(id.Chapter.ToString(CultureInfo.InvariantCulture), "Other", [id.Chapter]);
}
