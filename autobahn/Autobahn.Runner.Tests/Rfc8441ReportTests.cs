using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;
using Xunit;

namespace Autobahn.Runner.Tests;

/// <summary>The RFC 8441 chapter's report: index.json, the page, and JUnit by the verdict policy.</summary>
public class Rfc8441ReportTests
{
    private static Rfc8441CaseRow Row(string id, string verdict, string observed = "seen") =>
        new(id, "RFC 8441 §5", "the requirement", "the expectation", verdict, observed, 12);

    private static readonly Rfc8441AgentRun Run = new("peer", "http://127.0.0.1:1/", "2026-12-03 15:00:00Z",
    [
        Row("h2-3.1", VerdictWords.Ok),
        Row("h2-3.2", VerdictWords.Informational),
        Row("h2-4.6", VerdictWords.NonStrict),
        Row("h2-5.6", VerdictWords.Failed, "the connection ended <instead> of the stream"),
    ]);

    [Fact]
    public void FAILED_is_a_JUnit_failure_and_NON_STRICT_only_when_strict()
    {
        var lenient = Rfc8441Report.JUnit(Run, strict: false);
        var strict = Rfc8441Report.JUnit(Run, strict: true);
        Assert.Empty(JUnitReport.Validate(lenient));
        Assert.Empty(JUnitReport.Validate(strict));
        Assert.Equal(["h2-5.6"], lenient.Descendants("failure").Select(f => (string)f.Parent!.Attribute("name")!));
        Assert.Equal(["h2-4.6", "h2-5.6"], strict.Descendants("failure").Select(f => (string)f.Parent!.Attribute("name")!));
        Assert.Equal(["RFC 8441 §3", "RFC 8441 §4", "RFC 8441 §5"], lenient.Descendants("testsuite").Select(s => ((string)s.Attribute("name")!).Split(": ")[1]));
        Assert.False(Run.Passed(strict: false));
        Assert.True((Run with { Cases = Run.Cases.Take(3).ToList() }).Passed(strict: false));
        Assert.False((Run with { Cases = Run.Cases.Take(3).ToList() }).Passed(strict: true));
    }

    [Fact]
    public void The_index_keeps_one_run_per_agent_and_the_page_escapes_what_servers_said()
    {
        using var reports = new TempReports();
        Rfc8441Report.Write(reports.Root, Run, DateTimeOffset.UnixEpoch);
        Rfc8441Report.Write(reports.Root, Run with { Agent = "other" }, DateTimeOffset.UnixEpoch);
        Rfc8441Report.Write(reports.Root, Run with { Cases = [Row("h2-3.1", VerdictWords.Ok)] }, DateTimeOffset.UnixEpoch);
        var runs = Rfc8441Report.Load(reports.Root);
        Assert.Equal(["other", "peer"], runs.Select(r => r.Agent));
        Assert.Single(runs[1].Cases);
        Assert.Equal(Run.Cases, runs[0].Cases);
        var page = File.ReadAllText(Path.Combine(reports.Root, Rfc8441Report.Folder, ReportFileNames.IndexHtml));
        Assert.Contains("&lt;instead&gt;", page);
        Assert.DoesNotContain("<instead>", page);
    }

    [Fact]
    public void An_index_that_is_not_this_reports_is_refused_by_Load_and_left_out_of_the_reports_page()
    {
        using var reports = new TempReports();
        Directory.CreateDirectory(Path.Combine(reports.Root, Rfc8441Report.Folder));
        File.WriteAllText(Path.Combine(reports.Root, Rfc8441Report.Folder, ReportFileNames.IndexJson), """{"schema":"something-else","agents":[]}""");
        Assert.Throws<FormatException>(() => Rfc8441Report.Load(reports.Root));
        Assert.Empty(Rfc8441Report.LoadOrNone(reports.Root));
        Assert.DoesNotContain("rfc8441/index.html", File.ReadAllText(IndexPage.Write(reports.Root, DateTimeOffset.UnixEpoch)));
    }
}
