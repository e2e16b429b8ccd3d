using System.Net;
using System.Text.RegularExpressions;

namespace Autobahn.Runner.Reports;

/// <summary>
/// Puts our explanation at the top of a case's HTML detail page (the suite's or our engine's), between markers,
/// so that running it again replaces the block instead of adding a second one.
/// </summary>
public static partial class DetailPage
{
    public const string StartMarker = "<!-- wsconform:why -->";
    public const string EndMarker = "<!-- /wsconform:why -->";

    [GeneratedRegex(@"<body\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex BodyTag();

    public static void AddExplanation(string htmlPath, Explanation e)
    {
        var html = File.ReadAllText(htmlPath);
        var block = StartMarker + "\n" + Block(e) + "\n" + EndMarker;
        var start = html.IndexOf(StartMarker, StringComparison.Ordinal);
        var end = start < 0 ? -1 : html.IndexOf(EndMarker, start, StringComparison.Ordinal);
        if (start >= 0 && end >= 0)
        {
            html = string.Concat(html.AsSpan(0, start), block, html.AsSpan(end + EndMarker.Length));
        }
        else
        {
            var body = BodyTag().Match(html);
            if (!body.Success) throw new FormatException($"{htmlPath}: no <body> tag to put the explanation after");
            var at = body.Index + body.Length;
            html = string.Concat(html.AsSpan(0, at), "\n", block, html.AsSpan(at));
        }
        File.WriteAllText(htmlPath, html);
    }

    /// <summary>Explains every non-OK case of <paramref name="run"/> that has both its JSON and its HTML in the
    /// report's folder; returns how many pages were changed.</summary>
    public static int ExplainAll(AgentRun run)
    {
        var done = 0;
        foreach (var c in run.Report.Cases.Where(c => !c.IsOk))
        {
            var html = Path.ChangeExtension(Path.Combine(run.Report.Directory, c.ReportFile), ".html");
            if (!File.Exists(html) || run.ExplanationOf(c) is not { } e) continue;
            AddExplanation(html, e);
            done++;
        }
        return done;
    }

    private static string Block(Explanation e) =>
        "<div class=\"wsconform-why\" style=\"margin:20px;padding:12px 16px;border-left:4px solid #cf222e;background:#fff;font:14px/1.4 system-ui,sans-serif\">"
        + "<strong>Why this verdict</strong> (added by wsconform)"
        + "<pre style=\"white-space:pre-wrap;font:12px/1.4 monospace;margin:8px 0 0\">" + WebUtility.HtmlEncode(e.ToText()) + "</pre></div>";
}
