using System.Text.Json.Nodes;
using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;
using Xunit;

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
}
