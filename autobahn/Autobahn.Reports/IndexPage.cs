using System.Globalization;
using System.Net;
using System.Text;
using Autobahn.Vocabulary;

namespace Autobahn.Runner.Reports;

/// <summary>One column of the page: the reports of one mode (the suite's outdir under reports/).</summary>
/// <param name="Folder">The outdir's name under reports/ ("clients" or "servers"), used for relative links.</param>
/// <param name="Index">Null when this mode has no report yet.</param>
public sealed record ModeSection(string Title, string Folder, SuiteIndex? Index, IReadOnlyDictionary<string, RunInfo> Runs);

/// <summary>
/// Writes reports/index.html: one self-contained page (inline CSS and SVG, nothing fetched) with both modes
/// side by side, each agent's chapter table, links to every non-OK case and its 9.x timings as a bar chart.
/// </summary>
public static class IndexPage
{
    public static readonly IReadOnlyList<(string Folder, string Title)> Modes =
    [
        ("clients", "Client mode: the suite's fuzzingserver drives a client"),
        ("servers", "Server mode: the suite's fuzzingclient tests a server"),
    ];

    /// <summary>Reads reports/clients and reports/servers and writes reports/index.html; returns its path.</summary>
    public static string Write(string reportsDirectory, DateTimeOffset generated)
    {
        var sections = Modes.Select(m =>
        {
            var dir = Path.Combine(reportsDirectory, m.Folder);
            var index = File.Exists(Path.Combine(dir, ReportFileNames.IndexJson)) ? SuiteIndex.Load(dir) : null;
            return new ModeSection(m.Title, m.Folder, index, RunInfo.LoadAll(dir));
        }).ToList();
        // Named like the suite's own overview in each mode folder, so a browser opens it first here too.
        var path = Path.Combine(reportsDirectory, ReportFileNames.IndexHtml);
        File.WriteAllText(path, Render(sections, generated, Rfc8441Report.LoadOrNone(reportsDirectory)));
        return path;
    }

    /// <param name="http2">The RFC 8441 chapter's runs (reports/rfc8441), linked above the modes when there are any.</param>
    public static string Render(IReadOnlyList<ModeSection> sections, DateTimeOffset generated, IReadOnlyList<Rfc8441AgentRun>? http2 = null)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>WebSocket conformance reports</title>\n<style>\n")
          .Append(Css)
          .Append("</style>\n</head>\n<body>\n<h1>WebSocket conformance reports</h1>\n<p class=\"meta\">Page generated ")
          .Append(E(generated.ToString("u", CultureInfo.InvariantCulture)))
          .Append(". Each mode keeps the latest run of every agent; case links open the suite's own detail page.</p>\n");
        if (http2 is { Count: > 0 })
        {
            sb.Append("<p class=\"meta\"><a href=\"").Append(E(Rfc8441Report.Folder + "/" + ReportFileNames.IndexHtml)).Append("\">WebSocket over HTTP/2 (RFC 8441)</a>: ");
            sb.Append(E(string.Join("; ", http2.Select(r => r.Agent + " " + string.Join(", ", r.Cases.GroupBy(c => c.Verdict).Select(g => $"{g.Count()} {g.Key}"))))));
            sb.Append("</p>\n");
        }
        sb.Append("<div class=\"modes\">\n");
        foreach (var s in sections) AppendSection(sb, s);
        sb.Append("</div>\n</body>\n</html>\n");
        return sb.ToString();
    }

    private static void AppendSection(StringBuilder sb, ModeSection s)
    {
        sb.Append("<section class=\"mode\">\n<h2>").Append(E(s.Title)).Append("</h2>\n");
        if (s.Index is null || s.Index.Agents.Count == 0)
        {
            sb.Append("<p class=\"none\">No report in ").Append(E(s.Folder)).Append("/ yet.</p>\n</section>\n");
            return;
        }
        sb.Append("<p><a href=\"").Append(E(s.Folder + "/" + ReportFileNames.IndexHtml)).Append("\">The suite's own report</a></p>\n");
        foreach (var agent in s.Index.Agents) AppendAgent(sb, s, agent);
        sb.Append("</section>\n");
    }

    private static void AppendAgent(StringBuilder sb, ModeSection s, AgentReport agent)
    {
        sb.Append("<article class=\"agent\">\n<h3>").Append(E(agent.Agent)).Append("</h3>\n<dl class=\"run\">");
        if (s.Runs.TryGetValue(agent.Agent, out var run))
        {
            Term(sb, "engine", run.Engine);
            Term(sb, "transport", run.Transport ?? "http/1.1 (not recorded)");
            Term(sb, "image", run.Image ?? "none (built-in engine)");
            Term(sb, "date", run.Date.ToString("u", CultureInfo.InvariantCulture));
            if (run.Target is not null) Term(sb, "target", run.Target);
        }
        else
        {
            Term(sb, "engine", "not recorded (report not produced by this runner)");
        }
        sb.Append("</dl>\n");
        AppendTable(sb, ChapterTable.Build(agent.Cases));
        AppendNonOk(sb, s, agent);
        AppendTimings(sb, agent);
        sb.Append("</article>\n");
    }

    private static void Term(StringBuilder sb, string term, string value) =>
        sb.Append("<dt>").Append(E(term)).Append("</dt><dd>").Append(E(value)).Append("</dd>");

    private static void AppendTable(StringBuilder sb, ChapterTable table)
    {
        sb.Append("<div class=\"scroll\"><table class=\"chapters\">\n<thead><tr><th rowspan=\"2\">chapter</th><th rowspan=\"2\">cases</th><th colspan=\"")
          .Append(VerdictNames.AllBehaviors.Count).Append("\">behavior</th><th colspan=\"")
          .Append(VerdictNames.AllCloseBehaviors.Count).Append("\">close behavior</th></tr>\n<tr>");
        foreach (var b in VerdictNames.AllBehaviors) Header(sb, b.Name());
        foreach (var b in VerdictNames.AllCloseBehaviors) Header(sb, b.Name());
        sb.Append("</tr></thead>\n<tbody>\n");
        foreach (var r in table.Rows) AppendRow(sb, r.Chapter.Key + " " + r.Chapter.Title, r.Counts, "");
        AppendRow(sb, "total", table.Total, " class=\"total\"");
        sb.Append("</tbody>\n</table></div>\n");
    }

    /// <summary>Long verdict names are shortened in the header; the full name is the tooltip.</summary>
    private static void Header(StringBuilder sb, string name)
    {
        var shortName = name switch
        {
            "INFORMATIONAL" => "INFO",
            "UNIMPLEMENTED" => "UNIMPL",
            "NON-STRICT" => "NON-STRICT",
            "FAILED BY CLIENT" => "BY CLIENT",
            _ => name,
        };
        sb.Append("<th><abbr title=\"").Append(E(name)).Append("\">").Append(E(shortName)).Append("</abbr></th>");
    }

    private static void AppendRow(StringBuilder sb, string label, VerdictCounts counts, string rowAttr)
    {
        sb.Append("<tr").Append(rowAttr).Append("><td>").Append(E(label)).Append("</td><td>").Append(counts.Total).Append("</td>");
        foreach (var b in VerdictNames.AllBehaviors) Count(sb, counts[b], ClassOf(b));
        foreach (var b in VerdictNames.AllCloseBehaviors) Count(sb, counts[b], ClassOf(b));
        sb.Append("</tr>\n");
    }

    private static void Count(StringBuilder sb, int n, string cls) =>
        sb.Append(n == 0 ? "<td class=\"zero\">0</td>" : $"<td class=\"{cls}\">{n}</td>");

    private static void AppendNonOk(StringBuilder sb, ModeSection s, AgentReport agent)
    {
        var notOk = agent.Cases.Where(c => !c.IsOk).ToList();
        sb.Append("<h4>Cases not OK (").Append(notOk.Count).Append(")</h4>\n");
        // UNIMPLEMENTED comes in blocks of hundreds (no compression negotiated): folded so the rest stays readable.
        AppendCaseList(sb, s, agent, notOk.Where(c => c.Behavior != Behavior.Unimplemented).ToList());
        var unimplemented = notOk.Where(c => c.Behavior == Behavior.Unimplemented).ToList();
        if (unimplemented.Count == 0) return;
        sb.Append("<details><summary>").Append(unimplemented.Count).Append(" UNIMPLEMENTED</summary>\n");
        AppendCaseList(sb, s, agent, unimplemented);
        sb.Append("</details>\n");
    }

    private static void AppendCaseList(StringBuilder sb, ModeSection s, AgentReport agent, IReadOnlyList<CaseResult> cases)
    {
        if (cases.Count == 0) return;
        sb.Append("<ul class=\"cases\">\n");
        foreach (var c in cases)
        {
            var detail = agent.DetailFile(c);
            sb.Append("<li>");
            if (detail is not null)
            {
                sb.Append("<a href=\"").Append(E(s.Folder + "/" + Path.GetFileName(detail))).Append("\">").Append(E(c.Id.Text)).Append("</a>");
            }
            else
            {
                sb.Append(E(c.Id.Text)).Append(" <span class=\"missing\">(no case file)</span>");
            }
            sb.Append(" <span class=\"").Append(ClassOf(c.Behavior)).Append("\">").Append(E(c.Behavior.Name())).Append("</span>");
            if (c.BehaviorClose != CloseBehavior.Ok)
            {
                sb.Append(" close <span class=\"").Append(ClassOf(c.BehaviorClose)).Append("\">").Append(E(c.BehaviorClose.Name())).Append("</span>");
            }
            sb.Append("</li>\n");
        }
        sb.Append("</ul>\n");
    }

    /// <summary>Horizontal bars, one per 9.x case, scaled to the slowest; drawn inline so the page needs nothing else.</summary>
    private static void AppendTimings(StringBuilder sb, AgentReport agent)
    {
        var timed = agent.Cases.Where(c => c.Id.Chapter == 9 && c.DurationMs is not null).ToList();
        sb.Append("<h4>9.x timings (ms)</h4>\n");
        if (timed.Count == 0)
        {
            sb.Append("<p class=\"none\">No 9.x durations in this report.</p>\n");
            return;
        }
        const int labelWidth = 60, barWidth = 300, valueWidth = 60, rowHeight = 14;
        var max = Math.Max(1, timed.Max(c => c.DurationMs!.Value));
        var height = timed.Count * rowHeight + 4;
        sb.Append("<svg class=\"timings\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(labelWidth + barWidth + valueWidth)
          .Append("\" height=\"").Append(height).Append("\" role=\"img\" aria-label=\"9.x case durations\">\n");
        for (var i = 0; i < timed.Count; i++)
        {
            var c = timed[i];
            var y = i * rowHeight + 2;
            var w = Math.Max(1.0, (double)c.DurationMs!.Value / max * barWidth);
            sb.Append(CultureInfo.InvariantCulture,
                $"<text x=\"0\" y=\"{y + 11}\">{E(c.Id.Text)}</text><rect class=\"{ClassOf(c.Behavior)}\" x=\"{labelWidth}\" y=\"{y}\" width=\"{w:0.#}\" height=\"{rowHeight - 3}\"><title>{E(c.Id.Text)}: {c.DurationMs} ms</title></rect><text x=\"{labelWidth + w + 4:0.#}\" y=\"{y + 11}\">{c.DurationMs}</text>\n");
        }
        sb.Append("</svg>\n");
    }

    private static string ClassOf(Behavior b) => b switch
    {
        Behavior.Ok => "ok",
        Behavior.NonStrict => "nonstrict",
        Behavior.Informational => "info",
        Behavior.Unimplemented => "unimpl",
        _ => "failed",
    };

    private static string ClassOf(CloseBehavior b) => b switch
    {
        CloseBehavior.Ok => "ok",
        CloseBehavior.Informational => "info",
        _ => "failed",
    };

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private const string Css = """
        body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
        .meta { color: #555; }
        .modes { display: grid; grid-template-columns: repeat(auto-fit, minmax(34em, 1fr)); gap: 2em; }
        .mode { border-top: 3px solid #345; padding-top: .5em; min-width: 0; }
        .scroll { overflow-x: auto; }
        abbr { text-decoration: none; }
        .none, .missing { color: #777; font-style: italic; }
        dl.run { display: grid; grid-template-columns: max-content auto; gap: 0 1em; }
        dl.run dt { font-weight: bold; } dl.run dd { margin: 0; }
        table.chapters { border-collapse: collapse; font-size: 12px; }
        table.chapters th, table.chapters td { border: 1px solid #ccc; padding: 1px 3px; text-align: right; }
        table.chapters td:first-child { text-align: left; white-space: nowrap; }
        tr.total td { font-weight: bold; }
        td.zero { color: #bbb; }
        .ok { color: #1a7f37; fill: #2da44e; } .nonstrict { color: #9a6700; fill: #d4a72c; }
        .info { color: #0969da; fill: #54aeff; } .unimpl { color: #6e7781; fill: #afb8c1; }
        .failed { color: #cf222e; fill: #cf222e; font-weight: bold; }
        ul.cases { columns: 2; font-size: 12px; }
        details summary { cursor: pointer; color: #6e7781; }
        svg.timings text { font-size: 10px; fill: #333; }

        """;
}
