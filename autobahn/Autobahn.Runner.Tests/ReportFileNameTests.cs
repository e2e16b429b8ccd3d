using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;
using Xunit;

namespace Autobahn.Runner.Tests;

/// <summary>The naming rule of <see cref="ReportFileNames"/> (tested on its own in Autobahn.Vocabulary.Tests) against real reports.</summary>
public class ReportFileNameTests
{
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
