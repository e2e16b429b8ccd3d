using Autobahn.Runner.Reports;
using Xunit;

namespace Autobahn.Runner.Tests;

/// <summary>reports/ keeps the latest run of each agent although the suite rewrites index.json per run.</summary>
public class IndexMergeTests
{
    private const string Case = """{"behavior":"OK","behaviorClose":"OK","reportfile":"x"}""";

    [Fact]
    public void Agents_missing_from_the_fresh_index_are_put_back_and_the_fresh_run_wins()
    {
        var dir = Directory.CreateTempSubdirectory("merge-");
        try
        {
            var before = $$$"""{"old":{"1.1.1":{{{Case}}}},"same":{"1.1.1":{{{Case}}}, "1.1.2":{{{Case}}}}}""";
            File.WriteAllText(Path.Combine(dir.FullName, "index.json"), $$$"""{"same":{"1.1.1":{{{Case}}}}}""");

            IndexMerge.KeepOtherAgents(dir.FullName, before);

            var index = SuiteIndex.Load(dir.FullName);
            Assert.Equal(["same", "old"], index.Agents.Select(a => a.Agent));
            Assert.Single(index["same"].Cases);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
