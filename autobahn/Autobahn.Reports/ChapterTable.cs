using System.Globalization;
using System.Text;
using Autobahn.Vocabulary;

namespace Autobahn.Runner.Reports;

/// <summary>Counts of each verdict for a set of cases.</summary>
public sealed class VerdictCounts
{
    private readonly int[] _behavior = new int[VerdictNames.AllBehaviors.Count];
    private readonly int[] _close = new int[VerdictNames.AllCloseBehaviors.Count];

    public int Total { get; private set; }

    public int this[Behavior b] => _behavior[(int)b];

    public int this[CloseBehavior b] => _close[(int)b];

    internal void Add(CaseResult c)
    {
        _behavior[(int)c.Behavior]++;
        _close[(int)c.BehaviorClose]++;
        Total++;
    }

    /// <summary>A case judged by one verdict word only (an RFC 8441 case): no close verdict is counted.</summary>
    internal void Add(Behavior b)
    {
        _behavior[(int)b]++;
        Total++;
    }
}

public sealed record ChapterRow(Chapter Chapter, VerdictCounts Counts);

/// <summary>The per-chapter summary of one agent's run, plus the totals.</summary>
public sealed class ChapterTable
{
    private ChapterTable(IReadOnlyList<ChapterRow> rows, VerdictCounts total, bool countsClose = true)
    {
        Rows = rows;
        Total = total;
        CountsClose = countsClose;
    }

    /// <summary>False for the RFC 8441 chapter, whose cases have one verdict and no separate close verdict: its tables have no close columns.</summary>
    public bool CountsClose { get; }

    /// <summary>Only chapters that had at least one case, in the suite's order.</summary>
    public IReadOnlyList<ChapterRow> Rows { get; }

    public VerdictCounts Total { get; }

    public ChapterRow? Row(string key) => Rows.FirstOrDefault(r => r.Chapter.Key == key);

    public static ChapterTable Build(IEnumerable<CaseResult> cases) =>
        Build(cases, c => Chapters.For(c.Id), (counts, c) => counts.Add(c), countsClose: true);

    /// <summary>The RFC 8441 chapter's table: a row per section (<see cref="Rfc8441Report.Section"/>), each case counted by its one verdict.</summary>
    /// <exception cref="FormatException">A verdict that is not one of the suite's behavior words.</exception>
    public static ChapterTable Build(IEnumerable<Rfc8441CaseRow> cases) =>
        Build(cases, c => Rfc8441Report.Section(c.Id), (counts, c) => counts.Add(VerdictNames.ParseBehavior(c.Verdict)), countsClose: false);

    private static ChapterTable Build<T>(IEnumerable<T> cases, Func<T, Chapter> chapterOf, Action<VerdictCounts, T> add, bool countsClose)
    {
        var rows = new List<ChapterRow>();
        var total = new VerdictCounts();
        foreach (var c in cases)
        {
            var chapter = chapterOf(c);
            var row = rows.FirstOrDefault(r => r.Chapter.Key == chapter.Key);
            if (row is null)
            {
                row = new ChapterRow(chapter, new VerdictCounts());
                rows.Add(row);
            }
            add(row.Counts, c);
            add(total, c);
        }
        rows.Sort((a, b) => a.Chapter.Numbers[0].CompareTo(b.Chapter.Numbers[0]));
        return new ChapterTable(rows, total, countsClose);
    }

    /// <summary>A fixed-width text rendering for the console.</summary>
    public string Format()
    {
        var headers = new List<string> { CountsClose ? "chapter" : "section", "cases" };
        headers.AddRange(VerdictNames.AllBehaviors.Select(b => b.Name()));
        if (CountsClose)
        {
            headers.Add("|");
            headers.AddRange(VerdictNames.AllCloseBehaviors.Select(b => b.Name()));
        }
        var lines = new List<string[]>();
        foreach (var r in Rows)
        {
            lines.Add(Cells(r.Chapter.Key + " " + r.Chapter.Title, r.Counts));
        }
        lines.Add(Cells("total", Total));

        var widths = headers.Select(h => h.Length).ToArray();
        foreach (var l in lines)
        {
            for (var i = 0; i < l.Length; i++) widths[i] = Math.Max(widths[i], l[i].Length);
        }
        var sb = new StringBuilder();
        // A first line groups the columns: the message verdicts, then (after '|') the close verdicts.
        var behaviorWidth = widths.Skip(2).Take(VerdictNames.AllBehaviors.Count).Sum(w => w + 2);
        sb.Append(' ', widths[0] + widths[1] + 4).Append(CountsClose ? "behavior".PadRight(behaviorWidth) + "close behavior" : "behavior").AppendLine();
        AppendLine(sb, headers, widths);
        foreach (var l in lines) AppendLine(sb, l, widths);
        return sb.ToString();
    }

    private string[] Cells(string label, VerdictCounts counts)
    {
        var cells = new List<string> { label, N(counts.Total) };
        cells.AddRange(VerdictNames.AllBehaviors.Select(b => N(counts[b])));
        if (CountsClose)
        {
            cells.Add("|");
            cells.AddRange(VerdictNames.AllCloseBehaviors.Select(b => N(counts[b])));
        }
        return [.. cells];
    }

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static void AppendLine(StringBuilder sb, IReadOnlyList<string> cells, int[] widths)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0) sb.Append("  ");
            sb.Append(i == 0 ? cells[i].PadRight(widths[i]) : cells[i].PadLeft(widths[i]));
        }
        sb.AppendLine();
    }
}
