using System.Globalization;
using System.Text;
using Autobahn.Vocabulary;

namespace Autobahn.Runner.Reports;

/// <summary>
/// The runs as GitHub-flavoured Markdown, for a job summary or a pull-request comment: per agent its verdict, the
/// chapter table, the failing cases with why, and the changes against a baseline when one was compared; then each run
/// of the RFC 8441 chapter the same way (its table has a row per section and no close columns: its cases have one verdict).
/// </summary>
public static class MarkdownSummary
{
    /// <summary>How many failing cases are listed before the rest are only counted.</summary>
    public const int MaxListed = 50;

    /// <param name="comparisons">Baseline comparisons by agent, for the agents that have one.</param>
    /// <param name="http2">The RFC 8441 chapter's runs (reports/rfc8441), after the modes' runs.</param>
    public static string Render(IReadOnlyList<AgentRun> runs, VerdictPolicy policy, IReadOnlyDictionary<string, ExpectationComparison>? comparisons = null,
        IReadOnlyList<Rfc8441AgentRun>? http2 = null)
    {
        var sb = new StringBuilder();
        foreach (var run in runs)
        {
            if (sb.Length > 0) sb.Append('\n');
            sb.Append(Render(run, policy, comparisons?.GetValueOrDefault(run.Agent)));
        }
        foreach (var run in http2 ?? [])
        {
            if (sb.Length > 0) sb.Append('\n');
            sb.Append(Render(run, policy));
        }
        return sb.ToString();
    }

    /// <summary>One run of the RFC 8441 chapter: heading with the verdict, the section table, the failing cases with what was seen.</summary>
    public static string Render(Rfc8441AgentRun run, VerdictPolicy policy)
    {
        var failures = run.Failures(policy);
        var sb = new StringBuilder();
        AppendHeading(sb, run.Agent, Rfc8441Report.Folder, failures.Count);
        sb.Append("WebSocket over HTTP/2 (RFC 8441), target ").Append(Code(run.Target)).Append(", started ").Append(Code(run.Started))
          .Append(CultureInfo.InvariantCulture, $", {run.Cases.Count} cases\n\n");
        AppendTable(sb, ChapterTable.Build(run.Cases));
        if (failures.Count > 0)
        {
            sb.Append("\n#### Failing cases\n\n");
            foreach (var (c, reason) in failures.Take(MaxListed)) AppendCase(sb, c.Id, reason, c.Explain());
            if (failures.Count > MaxListed) sb.Append(CultureInfo.InvariantCulture, $"- and {failures.Count - MaxListed} more\n");
        }
        return sb.ToString();
    }

    private static void AppendHeading(StringBuilder sb, string agent, string mode, int failing)
    {
        var outcome = failing == 0 ? "passed" : $"FAILED, {failing} failing";
        sb.Append("### ").Append(Escape(agent)).Append(" (").Append(Escape(mode)).Append("): ").Append(outcome).Append("\n\n");
    }

    public static string Render(AgentRun run, VerdictPolicy policy, ExpectationComparison? comparison = null)
    {
        var verdict = policy.Evaluate(run.Report);
        var sb = new StringBuilder();
        AppendHeading(sb, run.Agent, run.Mode, verdict.Failures.Count);
        sb.Append("engine ").Append(Code(run.Engine)).Append(", profile ").Append(Code(run.Profile));
        // HTTP/1.1 goes without saying; a WebSocket over HTTP/2 (RFC 8441) is named.
        if (run.Transport != "http/1.1") sb.Append(", transport ").Append(Code(run.Transport));
        if (run.Target is not null) sb.Append(", target ").Append(Code(run.Target));
        sb.Append(CultureInfo.InvariantCulture, $", {run.Report.Cases.Count} cases\n\n");
        AppendTable(sb, ChapterTable.Build(run.Report.Cases));
        if (verdict.Failures.Count > 0)
        {
            sb.Append("\n#### Failing cases\n\n");
            foreach (var (c, reason) in verdict.Failures.Take(MaxListed))
            {
                AppendCase(sb, c.Id.Text, reason, run.Explain(c));
            }
            if (verdict.Failures.Count > MaxListed)
            {
                sb.Append(CultureInfo.InvariantCulture, $"- and {verdict.Failures.Count - MaxListed} more\n");
            }
        }
        if (comparison is not null) AppendComparison(sb, comparison);
        return sb.ToString();
    }

    /// <summary>The chapter table; the RFC 8441 chapter's has sections for rows and no close column (<see cref="ChapterTable.CountsClose"/>).</summary>
    private static void AppendTable(StringBuilder sb, ChapterTable table)
    {
        sb.Append(table.CountsClose
            ? "| chapter | cases | OK | NON-STRICT | INFORMATIONAL | UNIMPLEMENTED | FAILED | close problems |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
            : "| section | cases | OK | NON-STRICT | INFORMATIONAL | UNIMPLEMENTED | FAILED |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (var row in table.Rows) AppendRow(sb, row.Chapter.Key + " " + row.Chapter.Title, row.Counts, table.CountsClose);
        AppendRow(sb, "**total**", table.Total, table.CountsClose);
    }

    private static void AppendRow(StringBuilder sb, string label, VerdictCounts n, bool countsClose)
    {
        var closeProblems = n[CloseBehavior.Failed] + n[CloseBehavior.Unclean] + n[CloseBehavior.WrongCode] + n[CloseBehavior.FailedByClient];
        sb.Append("| ").Append(label.StartsWith("**", StringComparison.Ordinal) ? label : Escape(label));
        int[] counts = [n.Total, n[Behavior.Ok], n[Behavior.NonStrict], n[Behavior.Informational], n[Behavior.Unimplemented], n[Behavior.Failed]];
        foreach (var count in countsClose ? [.. counts, closeProblems] : counts)
        {
            sb.Append(CultureInfo.InvariantCulture, $" | {count}");
        }
        sb.Append(" |\n");
    }

    /// <summary>A list item: id and reason, the explanation's first line, then the rest (the frames) as an indented code block.</summary>
    private static void AppendCase(StringBuilder sb, string id, string reason, string explanation)
    {
        var lines = explanation.Split('\n');
        sb.Append("- **").Append(Escape(id)).Append("** ").Append(Escape(reason)).Append(": ").Append(Escape(lines[0])).Append('\n');
        if (lines.Length > 1)
        {
            sb.Append('\n');
            foreach (var line in lines.Skip(1)) sb.Append("      ").Append(line).Append('\n');
            sb.Append('\n');
        }
    }

    private static void AppendComparison(StringBuilder sb, ExpectationComparison comparison)
    {
        sb.Append("\n#### Against the baseline: ").Append(comparison.Passed ? "unchanged" : "CHANGED").Append("\n\n");
        foreach (var (kind, items) in comparison.Groups())
        {
            foreach (var change in items.Take(MaxListed)) sb.Append("- ").Append(kind).Append(": ").Append(Escape(change.ToString())).Append('\n');
            if (items.Count > MaxListed) sb.Append(CultureInfo.InvariantCulture, $"- and {items.Count - MaxListed} more {kind}\n");
        }
        if (comparison.NotRun.Count > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"- {comparison.NotRun.Count} baseline cases not run here (filtered or in another shard)\n");
        }
    }

    /// <summary>Text made safe for a table cell or list item: pipes and backticks escaped, one line.</summary>
    public static string Escape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("|", "\\|", StringComparison.Ordinal)
            .Replace("`", "\\`", StringComparison.Ordinal)
            .Replace("\r", " ", StringComparison.Ordinal)
            .Replace("\n", " ", StringComparison.Ordinal);

    /// <summary>Inline code; a value holding backticks is fenced with more of them.</summary>
    private static string Code(string text) =>
        text.Contains('`', StringComparison.Ordinal) ? "`` " + text.Replace("\n", " ", StringComparison.Ordinal) + " ``" : "`" + text + "`";
}
