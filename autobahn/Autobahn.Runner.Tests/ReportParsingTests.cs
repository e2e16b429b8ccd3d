using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;
using Xunit;

namespace Autobahn.Runner.Tests;

/// <summary>The parser reads the real suite's index.json files and counts what they contain.</summary>
public class ReportParsingTests
{
    [Fact]
    public void The_official_run_against_node_ws_has_510_ok_4_non_strict_3_informational_and_no_failure()
    {
        foreach (var mode in new[] { "servers", "clients" })
        {
            var agent = SuiteIndex.Load(TestData.Dir("official-node-ws/" + mode))["ws-node"];
            var total = ChapterTable.Build(agent.Cases).Total;
            Assert.Equal(517, total.Total);
            Assert.Equal(510, total[Behavior.Ok]);
            Assert.Equal(4, total[Behavior.NonStrict]);
            Assert.Equal(3, total[Behavior.Informational]);
            Assert.Equal(0, total[Behavior.Unimplemented]);
            Assert.Equal(0, total[Behavior.Failed]);
            Assert.Equal(514, total[CloseBehavior.Ok]);
            Assert.Equal(3, total[CloseBehavior.Informational]);
            Assert.Equal(
                ["6.4.1", "6.4.2", "6.4.3", "6.4.4", "7.1.6", "7.13.1", "7.13.2"],
                agent.Cases.Where(c => !c.IsOk).Select(c => c.Id.Text));
        }
    }

    [Fact]
    public void Chapters_are_counted_per_row_with_12_and_13_together()
    {
        var agent = SuiteIndex.Load(TestData.Dir("official-node-ws/servers"))["ws-node"];
        var table = ChapterTable.Build(agent.Cases);
        var expected = new (string Key, int Cases)[]
        {
            ("1", 16), ("2", 11), ("3", 7), ("4", 10), ("5", 20), ("6", 145), ("7", 37), ("9", 54), ("10", 1), ("12/13", 216),
        };
        Assert.Equal(expected, table.Rows.Select(r => (r.Chapter.Key, r.Counts.Total)));
        Assert.Equal(4, table.Row("6")!.Counts[Behavior.NonStrict]);
        Assert.Equal(3, table.Row("7")!.Counts[CloseBehavior.Informational]);
        Assert.Equal(216, table.Row("12/13")!.Counts[Behavior.Ok]);
    }

    [Fact]
    public void Deno_and_rust_websocket_lite_leave_the_216_compression_cases_unimplemented()
    {
        var runs = new (string Dir, string Agent, int Ok, int NonStrict)[]
        {
            ("deno-server/servers", "UnknownServer", 296, 2),
            ("rust-websocket-lite/servers", "rust-websocket-lite", 294, 4),
            ("rust-websocket-lite/clients", "rust-websocket-lite", 294, 4),
        };
        foreach (var (dir, name, ok, nonStrict) in runs)
        {
            var table = ChapterTable.Build(SuiteIndex.Load(TestData.Dir(dir))[name].Cases);
            Assert.Equal(517, table.Total.Total);
            Assert.Equal(216, table.Total[Behavior.Unimplemented]);
            Assert.Equal(216, table.Row("12/13")!.Counts[Behavior.Unimplemented]);
            Assert.Equal(ok, table.Total[Behavior.Ok]);
            Assert.Equal(nonStrict, table.Total[Behavior.NonStrict]);
            Assert.Equal(3, table.Total[Behavior.Informational]);
            Assert.Equal(0, table.Total[Behavior.Failed]);
        }
    }

    [Fact]
    public void A_report_without_durations_parses_with_none()
    {
        var agent = SuiteIndex.Load(TestData.Dir("rust-websocket-lite/clients"))["rust-websocket-lite"];
        Assert.All(agent.Cases, c => Assert.Null(c.DurationMs));
        Assert.All(agent.Cases, c => Assert.Null(c.RemoteCloseCode));
    }

    [Fact]
    public void Every_case_file_of_the_official_run_agrees_with_its_index_line()
    {
        var agent = SuiteIndex.Load(TestData.Dir("official-node-ws/servers"))["ws-node"];
        foreach (var c in agent.Cases)
        {
            var report = agent.LoadCase(c);
            Assert.Equal(c.Id.Text, report.Id);
            Assert.Equal("ws-node", report.Agent);
            Assert.Equal(c.Behavior, report.Behavior);
            Assert.Equal(c.BehaviorClose, report.BehaviorClose);
            Assert.Equal(c.DurationMs, report.DurationMs);
            Assert.Equal(c.RemoteCloseCode, report.RemoteCloseCode);
            Assert.False(report.IsServer); // fuzzingclient mode: the suite is the client
            Assert.True(report.WireLogEntries > 0);
        }
    }

    [Fact]
    public void A_case_file_carries_description_result_and_start_time()
    {
        var agent = SuiteIndex.Load(TestData.Dir("official-node-ws/servers"))["ws-node"];
        var report = agent.LoadCase(agent.Find("9.1.1")!);
        Assert.Equal("Received text message of length 65536.", report.Result);
        Assert.Equal(1000, report.LocalCloseCode);
        Assert.True(report.WasClean);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 6, 39, 49, 189, TimeSpan.Zero), report.Started);
        Assert.False(string.IsNullOrEmpty(report.Description));
    }

    [Fact]
    public void An_unknown_verdict_word_is_a_format_error_naming_the_case()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(
            """{"a":{"1.1.1":{"behavior":"PASSED","behaviorClose":"OK","reportfile":"a_case_1_1_1.json"}}}""");
        var ex = Assert.Throws<FormatException>(() => SuiteIndex.Parse("x", doc.RootElement));
        Assert.Contains("1.1.1", ex.Message);
        Assert.Contains("PASSED", ex.Message);
    }

    [Fact]
    public void Case_ids_order_numerically_not_as_text()
    {
        var ids = new[] { "12.1.10", "9.1.1", "12.1.2", "1.1.1", "10.1.1" }.Select(CaseId.Parse).ToList();
        ids.Sort();
        Assert.Equal(["1.1.1", "9.1.1", "10.1.1", "12.1.2", "12.1.10"], ids.Select(i => i.Text));
    }
}
