using System.Text.Json.Nodes;
using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using static Autobahn.Runner.Tests.Rfc8441Data;

namespace Autobahn.Runner.Tests;

/// <summary>Merging reports folders: disjoint halves of a real report give back the whole; a conflict is refused.</summary>
public class ReportMergeTests
{
    private static readonly string Deno = TestData.Dir("deno-server/servers");

    /// <summary>A reports folder with servers/ holding the given cases of Deno's index.json and whatever case files exist.</summary>
    private static string Half(TempReports reports, string name, Func<int, bool> take, Action<JsonObject>? change = null)
    {
        var whole = JsonNode.Parse(File.ReadAllText(Path.Combine(Deno, "index.json")))!.AsObject();
        var servers = Path.Combine(reports.Root, name, "servers");
        Directory.CreateDirectory(servers);
        var cases = new JsonObject();
        var i = 0;
        foreach (var (id, entry) in whole["UnknownServer"]!.AsObject())
        {
            if (!take(i++)) continue;
            cases[id] = entry!.DeepClone();
            var file = (string)entry!["reportfile"]!;
            foreach (var f in new[] { file, Path.ChangeExtension(file, ".html") })
            {
                if (File.Exists(Path.Combine(Deno, f))) File.Copy(Path.Combine(Deno, f), Path.Combine(servers, f));
            }
        }
        var index = new JsonObject { ["UnknownServer"] = cases };
        change?.Invoke(index);
        File.WriteAllText(Path.Combine(servers, "index.json"), index.ToJsonString());
        new RunInfo("UnknownServer", "docker", "crossbario/autobahn-testsuite", new DateTimeOffset(2026, 1, 1 + name.Length, 0, 0, 0, TimeSpan.Zero), null, "autobahn", "1/2").Save(servers);
        return Path.Combine(reports.Root, name);
    }

    [Fact]
    public void Disjoint_halves_merge_to_the_whole_index_in_case_order()
    {
        using var reports = new TempReports();
        var odd = Half(reports, "odd", i => i % 2 == 1);
        var even = Half(reports, "even-shard", i => i % 2 == 0);
        var outDir = Path.Combine(reports.Root, "merged");

        ReportMerge.Merge([odd, even], outDir);

        var merged = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "servers", "index.json")))!;
        var whole = JsonNode.Parse(File.ReadAllText(Path.Combine(Deno, "index.json")))!;
        Assert.True(JsonNode.DeepEquals(whole, merged));
        var ids = merged["UnknownServer"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Equal(ids.Select(CaseId.Parse).Order().Select(id => id.Text), ids);

        Assert.True(File.Exists(Path.Combine(outDir, "servers", "unknownserver_case_6_4_3.html")));
        Assert.True(File.Exists(Path.Combine(outDir, "servers", "unknownserver_case_12_1_1.json")));
        var page = File.ReadAllText(Path.Combine(outDir, "servers", "index.html"));
        Assert.Contains("<a href=\"unknownserver_case_6_4_3.html\">6.4.3</a>", page);
        Assert.Contains("NON-STRICT", page);
        Assert.True(File.Exists(Path.Combine(outDir, "index.html")));
        // runs.json keeps the later run of the agent ("even-shard" is dated later).
        Assert.Equal(new DateTimeOffset(2026, 1, 11, 0, 0, 0, TimeSpan.Zero), RunInfo.LoadAll(Path.Combine(outDir, "servers"))["UnknownServer"].Date);
        Assert.Null(RunInfo.LoadAll(Path.Combine(outDir, "servers"))["UnknownServer"].Shard); // the merge is the whole run, not a shard
    }

    [Fact]
    public void Identical_duplicates_are_fine()
    {
        using var reports = new TempReports();
        var a = Half(reports, "a", i => i < 300);
        var b = Half(reports, "b", i => i >= 200);
        ReportMerge.Merge([a, b], Path.Combine(reports.Root, "merged"));
        Assert.Equal(517, SuiteIndex.Load(Path.Combine(reports.Root, "merged", "servers"))["UnknownServer"].Cases.Count);
    }

    [Fact]
    public void A_case_with_different_verdicts_in_two_inputs_is_an_error_naming_both()
    {
        using var reports = new TempReports();
        var a = Half(reports, "a", i => i < 10);
        var b = Half(reports, "b", i => i < 10, index => index["UnknownServer"]!["1.1.1"]!["behavior"] = "FAILED");
        var ex = Assert.Throws<InvalidDataException>(() => ReportMerge.Merge([a, b], Path.Combine(reports.Root, "merged")));
        Assert.Contains("case 1.1.1", ex.Message);
        Assert.Contains("OK/OK in " + Path.Combine(a, "servers"), ex.Message);
        Assert.Contains("FAILED/OK in " + Path.Combine(b, "servers"), ex.Message);
    }

    [Fact]
    public void The_RFC_8441_runs_of_every_input_are_joined_per_agent_in_the_chapters_order_and_a_failing_one_fails_the_merge()
    {
        using var reports = new TempReports();
        var a = Path.Combine(reports.Root, "a");
        var b = Path.Combine(reports.Root, "b");
        Write(a, Run("h2-server", "2026-12-03 15:00:00Z", Case("h2-5.10", VerdictWords.Ok), Case("h2-4.1", VerdictWords.Ok), Case("h2-5.2", VerdictWords.Failed)));
        Write(b, Run("h2-server", "2026-12-04 09:00:00Z", Case("h2-3.1", VerdictWords.Ok), Case("h2-4.1", VerdictWords.Ok, "seen again")) with { Target = "http://127.0.0.1:2/later" });
        Write(b, Run("other", "2026-12-04 09:00:00Z", Case("h2-3.1", VerdictWords.Ok)));
        var outDir = Path.Combine(reports.Root, "merged");

        Assert.Equal(RunnerApp.CasesFailed, ReportCommand.Merge([a, b], outDir, new VerdictPolicy(), new OutputOptions(), NullLogger.Instance));

        var merged = Rfc8441Report.Load(outDir);
        Assert.Equal(["h2-server", "other"], merged.Select(r => r.Agent));
        Assert.Equal(["h2-3.1", "h2-4.1", "h2-5.2", "h2-5.10"], merged[0].Cases.Select(c => c.Id));
        Assert.Equal("seen", merged[0].Cases[1].Observed); // a duplicate is kept once, as it first came
        Assert.Equal(("http://127.0.0.1:2/later", "2026-12-04 09:00:00Z"), (merged[0].Target, merged[0].Started)); // the agent's latest run
        Assert.Contains("<tr id=\"h2-5.2\">", File.ReadAllText(Path.Combine(outDir, Rfc8441Report.Folder, ReportFileNames.IndexHtml)));
        Assert.Contains("href=\"rfc8441/index.html\"", File.ReadAllText(Path.Combine(outDir, ReportFileNames.IndexHtml)));
    }

    [Fact]
    public void Shards_of_both_modes_and_the_RFC_8441_chapter_merge_into_one_folder_with_all_three()
    {
        using var reports = new TempReports();
        var odd = Half(reports, "odd", i => i % 2 == 1);
        var even = Half(reports, "even", i => i % 2 == 0);
        Write(even, Run("h2-server", "2026-12-03 15:00:00Z", Case("h2-3.1", VerdictWords.Ok)));
        var outDir = Path.Combine(reports.Root, "merged");

        ReportMerge.Merge([odd, even], outDir);

        Assert.Equal(517, SuiteIndex.Load(Path.Combine(outDir, "servers"))["UnknownServer"].Cases.Count);
        Assert.Equal(["h2-3.1"], Assert.Single(Rfc8441Report.Load(outDir)).Cases.Select(c => c.Id));
    }

    [Fact]
    public void An_RFC_8441_case_with_different_verdicts_in_two_inputs_is_an_error_naming_both()
    {
        using var reports = new TempReports();
        var a = Path.Combine(reports.Root, "a");
        var b = Path.Combine(reports.Root, "b");
        Write(a, Run("h2-server", "2026-12-03 15:00:00Z", Case("h2-5.6", VerdictWords.Ok)));
        Write(b, Run("h2-server", "2026-12-03 15:00:00Z", Case("h2-5.6", VerdictWords.Failed)));

        var ex = Assert.Throws<InvalidDataException>(() => ReportMerge.Merge([a, b], Path.Combine(reports.Root, "merged")));
        Assert.Contains("agent h2-server case h2-5.6", ex.Message);
        Assert.Contains("OK in " + Path.Combine(a, Rfc8441Report.Folder), ex.Message);
        Assert.Contains("FAILED in " + Path.Combine(b, Rfc8441Report.Folder), ex.Message);
        Assert.Equal(RunnerApp.CannotRun, ReportCommand.Merge([a, b], Path.Combine(reports.Root, "merged"), new VerdictPolicy(), new OutputOptions(), NullLogger.Instance));
    }
}
