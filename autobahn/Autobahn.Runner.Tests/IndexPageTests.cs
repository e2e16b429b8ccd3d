using System.Text.RegularExpressions;
using System.Xml.Linq;
using Autobahn.Runner.Reports;
using Xunit;

namespace Autobahn.Runner.Tests;

/// <summary>reports/index.html: self-contained, both modes, chapter tables, non-OK cases linked, 9.x chart.</summary>
public class IndexPageTests
{
    private static readonly DateTimeOffset When = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_page_shows_both_modes_with_links_to_every_non_ok_case_and_a_bar_per_9x_case()
    {
        var servers = SuiteIndex.Load(TestData.Dir("official-node-ws/servers"));
        var clients = SuiteIndex.Load(TestData.Dir("official-node-ws/clients"));
        var runs = new Dictionary<string, RunInfo> { ["ws-node"] = new("ws-node", "docker", "crossbario/autobahn-testsuite", When, "ws://127.0.0.1:9011") };
        var html = IndexPage.Render(
            [new ModeSection("Client mode", "clients", clients, new Dictionary<string, RunInfo>()), new ModeSection("Server mode", "servers", servers, runs)],
            When);

        Assert.Contains("Client mode", html);
        Assert.Contains("Server mode", html);
        Assert.Contains("crossbario/autobahn-testsuite", html);
        Assert.Contains("2026-11-24 10:00:00Z", html);
        Assert.Contains("12/13 Compression", html);
        foreach (var id in new[] { "6_4_1", "6_4_2", "6_4_3", "6_4_4", "7_1_6", "7_13_1", "7_13_2" })
        {
            Assert.Contains($"href=\"servers/ws_node_case_{id}.json\"", html);
            Assert.Contains($"href=\"clients/ws_node_case_{id}.json\"", html);
        }
        Assert.DoesNotContain("ws_node_case_1_1_1", html); // OK cases are not listed
        Assert.Equal(2 * 54, Regex.Matches(html, "<rect ").Count);
        // Nothing is fetched: the only URL is the SVG namespace.
        Assert.Empty(Regex.Matches(html, "(src|href)=\"(https?:)?//"));
        Assert.DoesNotContain("<script", html);
    }

    [Fact]
    public void The_suites_html_detail_page_is_preferred_when_it_exists()
    {
        var deno = SuiteIndex.Load(TestData.Dir("deno-server/servers"));
        var html = IndexPage.Render([new ModeSection("Server mode", "servers", deno, new Dictionary<string, RunInfo>())], When);
        Assert.Contains("href=\"servers/unknownserver_case_6_4_3.html\"", html);
        Assert.Contains("12.1.1</a>", html); // a sampled UNIMPLEMENTED case with its file
        Assert.Contains("12.1.2 <span class=\"missing\">", html); // not sampled: no link to a file that is not there
    }

    [Fact]
    public void Write_reads_both_mode_folders_and_produces_well_formed_markup()
    {
        using var reports = TempReports.WithServersIndexFrom("official-node-ws/servers");
        new RunInfo("ws-node", "builtin", null, When, null).Save(reports.Servers);

        var path = IndexPage.Write(reports.Root, When);

        var html = File.ReadAllText(path);
        Assert.Contains("No report in clients/ yet.", html);
        Assert.Contains("none (built-in engine)", html);
        var body = html[html.IndexOf("<body>", StringComparison.Ordinal)..html.IndexOf("</html>", StringComparison.Ordinal)];
        XElement.Parse(body); // throws if tags do not nest
    }
}
