using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Autobahn.Vocabulary;

namespace Autobahn.Runner.Reports;

/// <summary>One case of the RFC 8441 chapter as reported: the requirement, the verdict word and what was seen.</summary>
public sealed record Rfc8441CaseRow(string Id, string Cites, string Requirement, string Expectation, string Verdict, string Observed, long DurationMs)
{
    /// <summary>What was seen, then the requirement and what the server must do: the case in words, wherever it is shown.</summary>
    public string Explain() => $"{Verdict}: {Observed}\nrequirement ({Cites}): {Requirement}\nexpected: {Expectation}";
}

/// <summary>The chapter run against one server (an agent).</summary>
public sealed record Rfc8441AgentRun(string Agent, string Target, string Started, IReadOnlyList<Rfc8441CaseRow> Cases)
{
    /// <summary>No FAILED; with <paramref name="strict"/>, no NON-STRICT either.</summary>
    public bool Passed(bool strict) => Cases.All(c => !Fails(c, strict));

    public static bool Fails(Rfc8441CaseRow c, bool strict) => Reason(c, new VerdictPolicy(FailOnNonStrict: strict)) is not null;

    /// <summary>
    /// Why a case fails the run under <paramref name="policy"/>, or null: the suite's failing rule, the case's one
    /// verdict read as its behavior (an RFC 8441 case has no separate close verdict).
    /// </summary>
    /// <exception cref="FormatException">A verdict that is not one of the suite's behavior words.</exception>
    public static string? Reason(Rfc8441CaseRow c, VerdictPolicy policy) => policy.Reason(VerdictNames.ParseBehavior(c.Verdict), CloseBehavior.Ok);

    /// <summary>The cases that fail the run under <paramref name="policy"/>, in the run's order, with why.</summary>
    public IReadOnlyList<(Rfc8441CaseRow Case, string Reason)> Failures(VerdictPolicy policy) =>
        [.. Cases.Select(c => (Case: c, Reason: Reason(c, policy))).Where(f => f.Reason is not null).Select(f => (f.Case, f.Reason!))];

    /// <summary><see cref="Started"/> as a time (it is written as UTC, "u" format); null when it is not one.</summary>
    public DateTimeOffset? StartedAt =>
        DateTimeOffset.TryParse(Started, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}

/// <summary>
/// The RFC 8441 chapter's reports, in their own folder beside servers/ and clients/: index.json (every agent run
/// there, one entry each, a new run of an agent replacing the old) and index.html; and the run as JUnit XML.
/// </summary>
public static class Rfc8441Report
{
    public const string Folder = "rfc8441";
    public const string Schema = "wsconform-rfc8441/1";

    private sealed record IndexFile(string Schema, List<Rfc8441AgentRun> Agents);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Adds the run to the folder's index.json and rewrites index.html; returns the page's path.</summary>
    public static string Write(string reportsDirectory, Rfc8441AgentRun run, DateTimeOffset generated) =>
        Save(reportsDirectory, [.. Load(reportsDirectory).Where(r => r.Agent != run.Agent).Append(run)], generated);

    /// <summary>Writes the folder's index.json with exactly these runs (one per agent, in agent order) and its index.html; returns the page's path.</summary>
    public static string Save(string reportsDirectory, IReadOnlyList<Rfc8441AgentRun> runs, DateTimeOffset generated)
    {
        var sorted = runs.OrderBy(r => r.Agent, StringComparer.Ordinal).ToList();
        Directory.CreateDirectory(Path.Combine(reportsDirectory, Folder));
        File.WriteAllText(Path.Combine(reportsDirectory, Folder, ReportFileNames.IndexJson), JsonSerializer.Serialize(new IndexFile(Schema, sorted), Json));
        return WritePage(reportsDirectory, sorted, generated);
    }

    /// <summary>Rewrites index.html from the runs (as read from index.json); returns its path.</summary>
    public static string WritePage(string reportsDirectory, IReadOnlyList<Rfc8441AgentRun> runs, DateTimeOffset generated)
    {
        var dir = Path.Combine(reportsDirectory, Folder);
        Directory.CreateDirectory(dir);
        var page = Path.Combine(dir, ReportFileNames.IndexHtml);
        File.WriteAllText(page, Render(runs, generated));
        return page;
    }

    /// <summary>The runs in the folder's index.json; none when there is none yet.</summary>
    /// <exception cref="FormatException">The file is not this report's index, or a run in it has no agent, no cases or a verdict the suite does not have.</exception>
    /// <exception cref="JsonException">The file is not JSON.</exception>
    public static IReadOnlyList<Rfc8441AgentRun> Load(string reportsDirectory)
    {
        var path = Path.Combine(reportsDirectory, Folder, ReportFileNames.IndexJson);
        if (!File.Exists(path)) return [];
        var index = JsonSerializer.Deserialize<IndexFile>(File.ReadAllText(path), Json);
        if (index?.Schema != Schema) throw new FormatException($"{path} is not a {Schema} index");
        // Deserialization leaves what the file lacks null; every reader (pages, verdicts, merge) relies on it being there.
        foreach (var run in index.Agents ?? throw new FormatException($"{path} has no agents"))
        {
            if (run?.Agent is null || run.Cases is null || run.Cases.Any(c => c?.Id is null || c.Verdict is null))
                throw new FormatException($"{path}: a run without an agent, or a case without an id or a verdict");
            foreach (var c in run.Cases)
            {
                try { VerdictNames.ParseBehavior(c.Verdict); }
                catch (FormatException e) { throw new FormatException($"{path}: agent {run.Agent} case {c.Id}: {e.Message}", e); }
            }
        }
        return index.Agents;
    }

    /// <summary>As <see cref="Load"/>, but a file that cannot be read counts as no runs (for pages that only link the report).</summary>
    public static IReadOnlyList<Rfc8441AgentRun> LoadOrNone(string reportsDirectory)
    {
        try
        {
            return Load(reportsDirectory);
        }
        catch (Exception e) when (e is FormatException or JsonException or IOException)
        {
            return [];
        }
    }

    public static string Render(IReadOnlyList<Rfc8441AgentRun> runs, DateTimeOffset generated)
    {
        static string H(string s) => WebUtility.HtmlEncode(s);
        var html = new StringBuilder();
        html.Append("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>WebSocket over HTTP/2 (RFC 8441)</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:2em;color:#222}
            table{border-collapse:collapse;margin-bottom:2em}
            td,th{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left;font-size:.9em}
            th{background:#f3f3f3}
            .OK{background:#c8efc8}.NON-STRICT{background:#f3e9a6}.INFORMATIONAL{background:#d6e4f5}.FAILED{background:#f5b5b5}
            tr.section td{background:#eee;font-weight:bold}
            </style></head><body>
            <h1>WebSocket over HTTP/2 (RFC 8441)</h1>
            """);
        html.Append(CultureInfo.InvariantCulture, $"<p>Generated {H(generated.ToString("u", CultureInfo.InvariantCulture))}. ");
        html.Append("One case per requirement of RFC 8441 (and the RFC 9113 and RFC 6455 rules it leans on), run by wsconform's own HTTP/2 frame layer.</p>\n");
        foreach (var run in runs)
        {
            var counts = string.Join(", ", run.Cases.GroupBy(c => c.Verdict).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));
            html.Append(CultureInfo.InvariantCulture, $"<h2>{H(run.Agent)}</h2>\n<p>{H(run.Target)}, started {H(run.Started)}: {H(counts)}</p>\n");
            html.Append("<table><tr><th>case</th><th>verdict</th><th>requirement</th><th>expected</th><th>observed</th><th>ms</th><th>cites</th></tr>\n");
            foreach (var section in run.Cases.GroupBy(c => SectionOf(c.Id)))
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr class=\"section\"><td colspan=\"7\">RFC 8441 §{H(section.Key)}</td></tr>\n");
                foreach (var c in section)
                {
                    html.Append(CultureInfo.InvariantCulture,
                        $"<tr id=\"{H(c.Id)}\"><td>{H(c.Id)}</td><td class=\"{H(c.Verdict)}\">{H(c.Verdict)}</td><td>{H(c.Requirement)}</td><td>{H(c.Expectation)}</td><td>{H(c.Observed)}</td><td>{c.DurationMs}</td><td>{H(c.Cites)}</td></tr>\n");
                }
            }
            html.Append("</table>\n");
        }
        html.Append("</body></html>\n");
        return html.ToString();
    }

    /// <summary>The section in an id "h2-SECTION.N".</summary>
    public static string SectionOf(string id)
    {
        int dash = id.IndexOf('-'), dot = id.IndexOf('.');
        return dash >= 0 && dot > dash ? id[(dash + 1)..dot] : id;
    }

    /// <summary>The sections of RFC 8441 the chapter's cases serve, as rows of its tables (keyed like the ids' prefix, "h2-3").</summary>
    public static readonly IReadOnlyList<Chapter> Sections =
    [
        new("h2-3", "The setting (SETTINGS_ENABLE_CONNECT_PROTOCOL)", [3]),
        new("h2-4", "The extended CONNECT request", [4]),
        new("h2-5", "The WebSocket on its stream", [5]),
    ];

    /// <summary>The table row of a case; a section the chapter may add later gets a row of its own.</summary>
    public static Chapter Section(string id)
    {
        var section = SectionOf(id);
        var key = "h2-" + section;
        return Sections.FirstOrDefault(s => s.Key == key)
            ?? new Chapter(key, "Other", [int.TryParse(section, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue]);
    }

    /// <summary>Case ids in the chapter's order: by section, then by number ("h2-5.2" before "h2-5.10").</summary>
    public static readonly IComparer<string> CaseOrder = Comparer<string>.Create((a, b) =>
    {
        static long Number(string s) => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : long.MaxValue;
        static (long Section, long Number) Key(string id) =>
            (Number(SectionOf(id)), id.LastIndexOf('.') is var dot and >= 0 ? Number(id[(dot + 1)..]) : long.MaxValue);
        var order = Key(a).CompareTo(Key(b));
        return order != 0 ? order : string.CompareOrdinal(a, b);
    });

    /// <summary>JUnit XML: one testsuite per RFC 8441 section, one testcase per case; FAILED (and NON-STRICT when strict)
    /// are failures, the rest pass with what was seen as output.</summary>
    public static XDocument JUnit(Rfc8441AgentRun run, bool strict)
    {
        var suites = Suites(run, new VerdictPolicy(FailOnNonStrict: strict));
        return new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement("testsuites", new XAttribute("name", "wsconform rfc8441"), JUnitReport.Totals(suites), suites));
    }

    /// <summary>The run's testsuites, one per section; the cases <paramref name="policy"/> fails are failures.</summary>
    public static IReadOnlyList<XElement> Suites(Rfc8441AgentRun run, VerdictPolicy policy) =>
    [
        .. run.Cases.GroupBy(c => SectionOf(c.Id)).Select(section =>
        {
            var testcases = section.Select(c =>
            {
                var element = new XElement("testcase",
                    new XAttribute("classname", $"wsconform.rfc8441.{run.Agent}.{section.Key}"),
                    new XAttribute("name", c.Id),
                    new XAttribute("time", JUnitReport.Seconds(c.DurationMs)));
                element.Add(Rfc8441AgentRun.Reason(c, policy) is not null
                    ? new XElement("failure", new XAttribute("message", $"{c.Verdict}: {c.Observed}"), new XAttribute("type", c.Verdict), c.Explain())
                    : new XElement("system-out", c.Explain()));
                return element;
            }).ToList();
            return new XElement("testsuite",
                new XAttribute("name", $"{Folder}/{run.Agent}: RFC 8441 §{section.Key}"),
                JUnitReport.Totals(testcases),
                new XElement("properties", JUnitReport.Property("agent", run.Agent), JUnitReport.Property("target", run.Target)),
                testcases);
        }),
    ];
}
