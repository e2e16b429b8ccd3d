using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;
using Xunit;

namespace Autobahn.Runner.Tests;

/// <summary>Case report files are named: agent lowercased, non [a-z0-9] as '_', "_case_", id with dots as '_'.</summary>
public class ReportFileNameTests
{
    [Theory]
    [InlineData("ws-node", "1.1.1", "ws_node_case_1_1_1")]
    [InlineData("UnknownServer", "7.13.2", "unknownserver_case_7_13_2")]
    [InlineData("My Server/2.0 (x)", "12.1.10", "my_server_2_0__x__case_12_1_10")]
    public void The_stem_follows_the_suites_rule(string agent, string id, string stem)
    {
        Assert.Equal(stem, ReportFileNames.Stem(agent, id));
        Assert.Equal(stem + ".json", ReportFileNames.Json(agent, id));
        Assert.Equal(stem + ".html", ReportFileNames.Html(agent, id));
    }

    [Fact]
    public void Every_reportfile_in_the_real_indexes_matches_the_rule()
    {
        var checkedFiles = 0;
        foreach (var dir in new[] { "official-node-ws/servers", "official-node-ws/clients", "deno-server/servers", "rust-websocket-lite/servers", "rust-websocket-lite/clients" })
        {
            foreach (var agent in SuiteIndex.Load(TestData.Dir(dir)).Agents)
            {
                foreach (var c in agent.Cases)
                {
                    Assert.Equal(c.ReportFile, ReportFileNames.Json(agent.Agent, c.Id.Text));
                    checkedFiles++;
                }
            }
        }
        Assert.Equal(5 * 517, checkedFiles);
    }

    [Fact]
    public void The_case_files_on_disk_carry_the_names_the_index_gives()
    {
        var dir = TestData.Dir("deno-server/servers");
        var agent = SuiteIndex.Load(dir)["UnknownServer"];
        var onDisk = Directory.GetFiles(dir, "*_case_*.html").Select(Path.GetFileName).ToHashSet();
        Assert.NotEmpty(onDisk);
        var named = agent.Cases.Select(c => ReportFileNames.Html(agent.Agent, c.Id.Text)).ToHashSet();
        Assert.Subset(named, onDisk!);
    }
}
