using System.Xml.Linq;
using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using static Autobahn.Runner.Tests.Rfc8441Data;

namespace Autobahn.Runner.Tests;

/// <summary>`report` judges the reports already in a folder and publishes index.html, with the verdict as exit code.</summary>
public class ReportCommandTests
{
    [Fact]
    public void A_compression_claim_turns_denos_unimplemented_cases_into_a_failing_exit_code()
    {
        using var reports = TempReports.WithServersIndexFrom("deno-server/servers");

        Assert.Equal(RunnerApp.Passed, ReportCommand.Run(reports.Root, new VerdictPolicy(), new OutputOptions(), NullLogger.Instance));
        Assert.Equal(RunnerApp.CasesFailed, ReportCommand.Run(reports.Root, new VerdictPolicy(ClaimsCompression: true), new OutputOptions(), NullLogger.Instance));
        Assert.True(File.Exists(Path.Combine(reports.Root, "index.html")));
    }

    [Fact]
    public void A_folder_without_any_index_cannot_be_judged()
    {
        using var reports = new TempReports();

        Assert.Equal(RunnerApp.CannotRun, ReportCommand.Run(reports.Root, new VerdictPolicy(), new OutputOptions(), NullLogger.Instance));
        Assert.False(File.Exists(Path.Combine(reports.Root, "index.html")));
    }

    [Fact]
    public void The_console_table_has_a_row_per_chapter_and_the_totals()
    {
        var agent = SuiteIndex.Load(TestData.Dir("official-node-ws/clients"))["ws-node"];
        var lines = ChapterTable.Build(agent.Cases).Format().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2 + 10 + 1, lines.Length); // two header lines, ten chapter rows, the totals
        Assert.StartsWith("6 UTF-8", lines[7]);
        Assert.Matches(@"^total\s+517\s+510\s+4\s+3\s+0\s+0\s+\|\s+514\s+0\s+0\s+0\s+0\s+3\s*$", lines[^1]);
    }

    [Fact]
    public void A_folder_whose_only_failure_is_an_RFC_8441_case_fails_and_its_summary_and_JUnit_name_that_case()
    {
        using var reports = TempReports.WithServersIndexFrom("deno-server/servers");
        Write(reports.Root, Run("h2-server", "2026-12-03 15:00:00Z",
            Case("h2-3.1", VerdictWords.Ok), Case("h2-4.6", VerdictWords.NonStrict), Case("h2-5.6", VerdictWords.Failed, "the connection ended")));
        var outputs = new OutputOptions { Summary = Path.Combine(reports.Root, "summary.md"), JUnit = Path.Combine(reports.Root, "junit.xml") };

        Assert.Equal(RunnerApp.CasesFailed, ReportCommand.Run(reports.Root, new VerdictPolicy(), outputs, NullLogger.Instance));

        var md = File.ReadAllText(outputs.Summary);
        Assert.Contains("### UnknownServer (servers): passed\n", md);
        Assert.Contains("### h2-server (rfc8441): FAILED, 1 failing\n", md);
        Assert.Contains("| section | cases | OK | NON-STRICT | INFORMATIONAL | UNIMPLEMENTED | FAILED |\n", md);
        Assert.Contains("| h2-5 The WebSocket on its stream | 1 | 0 | 0 | 0 | 0 | 1 |\n", md);
        Assert.Contains("| **total** | 3 | 1 | 1 | 0 | 0 | 1 |\n", md);
        Assert.Contains("- **h2-5.6** behavior FAILED: FAILED: the connection ended\n", md);
        Assert.DoesNotContain("**h2-4.6**", md); // NON-STRICT fails only a strict run
        var junit = XDocument.Load(outputs.JUnit);
        Assert.Empty(JUnitReport.Validate(junit));
        Assert.Equal(["h2-5.6"], junit.Descendants("failure").Select(f => (string)f.Parent!.Attribute("name")!));
        Assert.Contains(junit.Descendants("testsuite"), s => (string)s.Attribute("name")! == "rfc8441/h2-server: RFC 8441 §5");
    }

    [Fact]
    public void Strict_fails_a_folder_on_an_RFC_8441_NON_STRICT_case()
    {
        using var reports = new TempReports();
        Write(reports.Root, Run("h2-server", "2026-12-03 15:00:00Z", Case("h2-3.1", VerdictWords.Ok), Case("h2-4.6", VerdictWords.NonStrict)));

        Assert.Equal(RunnerApp.Passed, ReportCommand.Run(reports.Root, new VerdictPolicy(), new OutputOptions(), NullLogger.Instance));
        Assert.Equal(RunnerApp.CasesFailed, ReportCommand.Run(reports.Root, new VerdictPolicy(FailOnNonStrict: true), new OutputOptions(), NullLogger.Instance));
    }

    [Fact]
    public void A_folder_with_only_RFC_8441_results_is_judged_and_its_page_and_the_index_link_are_rewritten()
    {
        using var reports = new TempReports();
        var folder = Write(reports.Root, Run("h2-server", "2026-12-03 15:00:00Z", Case("h2-3.1", VerdictWords.Ok), Case("h2-5.6", VerdictWords.Informational)));
        File.Delete(Path.Combine(folder, ReportFileNames.IndexHtml)); // only index.json came along, as from a CI artifact of the results

        Assert.Equal(RunnerApp.Passed, ReportCommand.Run(reports.Root, new VerdictPolicy(), new OutputOptions(), NullLogger.Instance));

        var page = File.ReadAllText(Path.Combine(folder, ReportFileNames.IndexHtml));
        Assert.Contains("<tr id=\"h2-5.6\">", page);
        Assert.Contains("href=\"rfc8441/index.html\"", File.ReadAllText(Path.Combine(reports.Root, ReportFileNames.IndexHtml)));
    }

    [Fact]
    public void An_RFC_8441_index_with_a_verdict_the_suite_does_not_have_cannot_be_judged()
    {
        using var reports = TempReports.WithServersIndexFrom("deno-server/servers");
        var folder = Write(reports.Root, Run("h2-server", "2026-12-03 15:00:00Z", Case("h2-3.1", VerdictWords.Ok)));
        var index = Path.Combine(folder, ReportFileNames.IndexJson);
        File.WriteAllText(index, File.ReadAllText(index).Replace("\"OK\"", "\"GREAT\"", StringComparison.Ordinal));

        Assert.Equal(RunnerApp.CannotRun, ReportCommand.Run(reports.Root, new VerdictPolicy(), new OutputOptions(), NullLogger.Instance));
    }
}
