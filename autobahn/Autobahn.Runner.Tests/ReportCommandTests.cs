using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

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
}
