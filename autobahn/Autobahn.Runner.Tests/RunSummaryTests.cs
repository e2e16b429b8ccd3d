using Autobahn.Engine.Cases;
using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;
using Xunit;
using static Autobahn.Runner.Tests.Rfc8441Data;

namespace Autobahn.Runner.Tests;

/// <summary>
/// reports/summary.json, the part of a run kept in git (`make summary`): built from a reports folder, read back, and
/// checked against itself; the committed one must agree with itself and count every case of the suite.
/// </summary>
public class RunSummaryTests
{
    private const string Commit = "0123456789abcdef0123456789abcdef01234567";

    private static RunSummary FromOfficialNodeWs()
    {
        using var reports = TempReports.WithServersIndexFrom("official-node-ws/servers");
        return RunSummary.Build(reports.Root, Commit, "1.2.3", DateTimeOffset.UnixEpoch);
    }

    [Fact]
    public void A_built_summary_counts_every_case_and_reads_back_the_same()
    {
        var summary = FromOfficialNodeWs();
        Assert.Empty(summary.Check());
        var mode = Assert.Single(summary.Modes);
        Assert.Equal(("servers", "ws-node", 517), (mode.Mode, mode.Agent, mode.Counts.Cases));
        Assert.Equal(Chapters.All.Select(c => c.Key), mode.Chapters.Select(c => c.Chapter));

        var again = RunSummary.Parse(summary.ToJson());
        Assert.Empty(again.Check());
        Assert.Equal(summary.ToJson(), again.ToJson());
        Assert.Equal(mode.Counts.Behavior, again.Modes[0].Counts.Behavior);
    }

    [Fact]
    public void Check_names_every_contradiction()
    {
        var good = FromOfficialNodeWs();
        var mode = good.Modes[0];
        var first = mode.Chapters[0];
        SummaryMode WithChapter(SummaryChapter c) => mode with { Chapters = [c, .. mode.Chapters.Skip(1)] };
        var moreOk = new Dictionary<string, int>(mode.Counts.Behavior) { [VerdictWords.Ok] = mode.Counts.Behavior[VerdictWords.Ok] + 1 };
        var unknownWord = new Dictionary<string, int>(first.Counts.Close!) { ["GREAT"] = 0 };

        (RunSummary Summary, string Problem)[] broken =
        [
            (good with { Commit = "HEAD" }, "is not a git commit id"),
            (good with { ToolVersion = "latest" }, "is not a version"),
            (good with { Modes = [] }, "no modes"),
            (good with { Modes = [mode with { Mode = "peers" }] }, "neither servers nor clients"),
            (good with { Modes = [mode, mode] }, "listed twice"),
            (good with { Modes = [mode with { Counts = mode.Counts with { Behavior = moreOk } }] }, "add up to 518, not to its 517 cases"),
            (good with { Modes = [mode with { Counts = mode.Counts with { Cases = 516 } }] }, "the chapters hold 517 cases, the total says 516"),
            (good with { Modes = [WithChapter(first with { Chapter = "8" })] }, "'8' is not a chapter of the suite"),
            (good with { Modes = [WithChapter(first with { Title = "Frames" })] }, "chapter 1 is 'Framing', not 'Frames'"),
            (good with { Modes = [WithChapter(first with { Counts = first.Counts with { Close = unknownWord } })] }, "'GREAT' is not a close verdict"),
            (good with { Modes = [mode with { Chapters = [.. mode.Chapters.Skip(1)] }] }, "over the chapters"),
        ];
        Assert.All(broken, b => Assert.Contains(b.Summary.Check(), p => p.Contains(b.Problem, StringComparison.Ordinal)));
    }

    [Fact]
    public void Parse_refuses_another_format()
    {
        Assert.Throws<FormatException>(() => RunSummary.Parse("""{"format":"something/2","modes":[]}"""));
        Assert.Throws<FormatException>(() => RunSummary.Parse("[]"));
    }

    [Fact]
    public void Build_says_when_there_are_no_reports()
    {
        using var empty = new TempReports();
        var e = Assert.Throws<InvalidOperationException>(() => RunSummary.Build(empty.Root, Commit, "1.2.3", DateTimeOffset.UnixEpoch));
        Assert.Contains("no index.json", e.Message);
    }

    [Fact]
    public void The_committed_summary_agrees_with_itself_and_counts_every_case_of_the_suite()
    {
        var path = Path.Combine(RepoRoot.Find() ?? throw new InvalidOperationException("not in a checkout"), "reports", "summary.json");
        Assert.True(File.Exists(path), $"{path} is missing: `make autobahn && make summary` writes it");
        var summary = RunSummary.Load(path);
        Assert.Empty(summary.Check());
        Assert.Equal(["clients", "servers"], summary.Modes.Select(m => m.Mode).Distinct().Order());
        // Every chapter of the suite, with as many cases as the suite has in it: the summary describes a whole run.
        var perChapter = CaseCatalog.All.GroupBy(c => Chapters.For(CaseId.Parse(c.Id)).Key).ToDictionary(g => g.Key, g => g.Count());
        foreach (var mode in summary.Modes)
        {
            Assert.Equal(CaseCatalog.All.Count, mode.Counts.Cases);
            Assert.Equal(perChapter, mode.Chapters.ToDictionary(c => c.Chapter, c => c.Counts.Cases));
        }
    }

    private static RunSummary WithRfc8441(bool modes = true)
    {
        using var reports = modes ? TempReports.WithServersIndexFrom("official-node-ws/servers") : new TempReports();
        Write(reports.Root, Run("h2-server", "2026-12-03 15:00:00Z",
            Case("h2-3.1", VerdictWords.Ok), Case("h2-4.6", VerdictWords.NonStrict), Case("h2-5.6", VerdictWords.Failed)));
        return RunSummary.Build(reports.Root, Commit, "1.2.3", DateTimeOffset.UnixEpoch);
    }

    [Fact]
    public void The_RFC_8441_runs_are_counted_by_verdict_overall_and_per_section_and_read_back_the_same()
    {
        var summary = WithRfc8441();
        Assert.Empty(summary.Check());
        Assert.Equal("ws-node", Assert.Single(summary.Modes).Agent);
        var run = Assert.Single(summary.Rfc8441!);
        Assert.Equal(("h2-server", "http://127.0.0.1:1/h2-server", new DateTimeOffset(2026, 12, 3, 15, 0, 0, TimeSpan.Zero)), (run.Agent, run.Target, run.RunDate!.Value));
        Assert.Equal(3, run.Counts.Cases);
        Assert.Equal((1, 1, 1), (run.Counts.Behavior[VerdictWords.Ok], run.Counts.Behavior[VerdictWords.NonStrict], run.Counts.Behavior[VerdictWords.Failed]));
        Assert.Null(run.Counts.Close); // one verdict per case: no close counts to make up
        Assert.Equal(["h2-3", "h2-4", "h2-5"], run.Sections.Select(s => s.Section));
        Assert.Equal(1, run.Sections[2].Counts.Behavior[VerdictWords.Failed]);

        var json = summary.ToJson();
        Assert.DoesNotContain("\"close\": null", json);
        var again = RunSummary.Parse(json);
        Assert.Empty(again.Check());
        Assert.Equal(json, again.ToJson());
    }

    [Fact]
    public void A_folder_with_only_RFC_8441_results_is_summarised_and_one_without_them_has_no_rfc8441_list()
    {
        var only = WithRfc8441(modes: false);
        Assert.Empty(only.Modes);
        Assert.Single(only.Rfc8441!);
        Assert.Empty(only.Check());

        var modesOnly = FromOfficialNodeWs();
        Assert.Null(modesOnly.Rfc8441);
        Assert.DoesNotContain("rfc8441", modesOnly.ToJson()); // a summary of the modes alone is as it was
    }

    [Fact]
    public void Check_names_every_contradiction_of_an_RFC_8441_run()
    {
        var good = WithRfc8441();
        var run = good.Rfc8441![0];
        var first = run.Sections[0];
        var moreOk = new Dictionary<string, int>(run.Counts.Behavior) { [VerdictWords.Ok] = run.Counts.Behavior[VerdictWords.Ok] + 1 };
        var close = VerdictNames.AllCloseBehaviors.ToDictionary(b => b.Name(), b => b == CloseBehavior.Ok ? 3 : 0);

        (RunSummary Summary, string Problem)[] broken =
        [
            (good with { Rfc8441 = [run, run] }, "rfc8441/h2-server: listed twice"),
            (good with { Rfc8441 = [run with { Counts = run.Counts with { Behavior = moreOk } }] }, "add up to 4, not to its 3 cases"),
            (good with { Rfc8441 = [run with { Counts = run.Counts with { Close = close } }] }, "an RFC 8441 case has only one verdict"),
            (good with { Rfc8441 = [run with { Sections = [first with { Section = "h2-9" }, .. run.Sections.Skip(1)] }] }, "'h2-9' is not a section of the RFC 8441 chapter"),
            (good with { Rfc8441 = [run with { Sections = [first with { Title = "Settings" }, .. run.Sections.Skip(1)] }] }, "is 'The setting (SETTINGS_ENABLE_CONNECT_PROTOCOL)', not 'Settings'"),
            (good with { Rfc8441 = [run with { Sections = [.. run.Sections.Skip(1)] }] }, "the sections hold 2 cases, the total says 3"),
            (good with { Rfc8441 = [run with { Sections = [] }] }, "no sections"),
        ];
        Assert.All(broken, b => Assert.Contains(b.Summary.Check(), p => p.Contains(b.Problem, StringComparison.Ordinal)));
    }
}
