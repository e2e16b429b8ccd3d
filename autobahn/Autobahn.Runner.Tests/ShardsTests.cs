using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;
using Xunit;

namespace Autobahn.Runner.Tests;

/// <summary>Shards: "i/n" parsing, an exact partition, the same answer every time, and balanced expected durations.</summary>
public class ShardsTests
{
    private static readonly IReadOnlyList<string> AllIds = Shards.Weights.Keys.ToList();

    [Theory]
    [InlineData("1/1", 1, 1)]
    [InlineData("2/4", 2, 4)]
    [InlineData("8/8", 8, 8)]
    public void Parse_reads_one_based_index_and_count(string text, int index, int count) =>
        Assert.Equal((index, count), Shards.Parse(text));

    [Theory]
    [InlineData("0/4")]
    [InlineData("5/4")]
    [InlineData("1/0")]
    [InlineData("-1/2")]
    [InlineData("1")]
    [InlineData("a/b")]
    [InlineData("1/2/3")]
    [InlineData("")]
    public void Parse_rejects_anything_else_saying_what_is_expected(string text)
    {
        var ex = Assert.Throws<FormatException>(() => Shards.Parse(text));
        Assert.Contains("i/n", ex.Message);
    }

    [Fact]
    public void The_weights_cover_the_whole_suite()
    {
        Assert.Equal(517, Shards.Weights.Count);
        Assert.All(Shards.Weights.Values, w => Assert.True(w >= 0));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Shards_partition_the_ids_in_case_order_deterministically_and_balanced(int n)
    {
        var shards = Enumerable.Range(1, n).Select(i => Shards.Select(AllIds, i, n)).ToList();

        var union = shards.SelectMany(s => s).ToList();
        Assert.Equal(AllIds.Count, union.Count);
        Assert.Equal(AllIds.OrderBy(x => x, StringComparer.Ordinal), union.OrderBy(x => x, StringComparer.Ordinal));
        foreach (var s in shards)
        {
            Assert.Equal(s.Select(CaseId.Parse).Order().Select(id => id.Text), s);
        }
        // Same input in another order gives the same shards.
        var reversed = AllIds.Reverse().ToList();
        Assert.Equal(shards, Enumerable.Range(1, n).Select(i => Shards.Select(reversed, i, n)).ToList());

        var loads = shards.Select(s => Shards.Load(s)).ToList();
        Assert.True((double)loads.Max() / loads.Min() <= 1.05, $"loads {string.Join(", ", loads)}");
    }

    [Fact]
    public void Unknown_ids_weigh_the_median_and_ties_go_by_case_order_to_the_lowest_shard()
    {
        var weights = new Dictionary<string, long> { ["1.1.1"] = 10, ["1.1.2"] = 10, ["1.1.3"] = 30 };
        // 1.1.3 (30) -> shard 1; 1.1.1 (10) -> shard 2; 1.1.2 (10) -> shard 2; 9.9.9 weighs the median 10 -> shard 2.
        Assert.Equal(["1.1.3"], Shards.Select(["1.1.2", "1.1.1", "1.1.3"], 1, 2, weights));
        Assert.Equal(["1.1.1", "1.1.2"], Shards.Select(["1.1.2", "1.1.1", "1.1.3"], 2, 2, weights));
        Assert.Equal(30 + 10, Shards.Load(["1.1.3", "9.9.9"], weights));
    }

    [Fact]
    public void The_weights_are_the_longer_of_the_official_node_ws_durations()
    {
        var servers = SuiteIndex.Load(TestData.Dir("official-node-ws/servers"))["ws-node"];
        var clients = SuiteIndex.Load(TestData.Dir("official-node-ws/clients"))["ws-node"];
        foreach (var (id, weight) in Shards.Weights)
        {
            var expected = Math.Max(servers.Find(id)?.DurationMs ?? 0, clients.Find(id)?.DurationMs ?? 0);
            Assert.True(expected == weight, $"case {id}: case-weights.json says {weight}, the reports {expected}");
        }
    }
}
