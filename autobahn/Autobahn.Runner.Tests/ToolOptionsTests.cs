using Autobahn.Engine.Cases;
using Autobahn.Runner.Reports;
using Xunit;

namespace Autobahn.Runner.Tests;

/// <summary>What the tool hands the suite: the selection (whole or one shard), the profile, the outside client's command line.</summary>
public class ToolOptionsTests
{
    [Fact]
    public void Without_a_shard_the_suite_gets_the_patterns_as_given()
    {
        var (cases, exclude) = new RunnerOptions { Cases = ["6.*"], ExcludeCases = ["6.4.*"] }.SuiteSelection();
        Assert.Equal(["6.*"], cases);
        Assert.Equal(["6.4.*"], exclude);
    }

    [Fact]
    public void The_shards_of_a_selection_are_its_cases_each_exactly_once()
    {
        var options = new RunnerOptions { Cases = ["1.*", "6.*", "9.*", "12.1.*"], ExcludeCases = ["6.4.*"] };
        var selected = CaseCatalog.Select(options.Cases, options.ExcludeCases).Select(c => c.Id).ToList();
        var shards = Enumerable.Range(1, 3).Select(i => (options with { Shard = (i, 3) }).SuiteSelection()).ToList();

        Assert.All(shards, s => Assert.Empty(s.Exclude));
        Assert.All(shards, s => Assert.NotEmpty(s.Cases));
        var all = shards.SelectMany(s => s.Cases).ToList();
        Assert.Equal(selected.Count, all.Count);
        Assert.Equal(selected.Order(StringComparer.Ordinal), all.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_shard_of_the_rfc_profile_includes_its_own_cases()
    {
        var options = new RunnerOptions { Cases = ["7.7.*"], Profile = SuiteProfile.Rfc };
        var all = Enumerable.Range(1, 2).SelectMany(i => (options with { Shard = (i, 2) }).SuiteSelection().Cases).ToList();
        Assert.Contains("7.7.16", all);
        Assert.Equal(16, all.Count);
    }

    [Fact]
    public void The_spec_carries_the_profile_only_when_it_is_not_the_official_one()
    {
        var official = SuiteConfig.FuzzingClient("/r", "a", "ws://h:1/", ["*"], [], "autobahn");
        var rfc = SuiteConfig.FuzzingServer("ws://127.0.0.1:9001", "/r", ["*"], [], "rfc");
        Assert.False(official.ContainsKey("profile"));
        Assert.Equal("rfc", (string?)rfc["profile"]);
    }

    [Fact]
    public void The_outside_client_command_gets_the_url_agent_and_count()
    {
        var line = OutsideClientMode.Fill("node client.js {url} {agent} --cases {count}", new Uri("ws://127.0.0.1:9001/"), "my-client", 517);
        Assert.Equal("node client.js ws://127.0.0.1:9001 my-client --cases 517", line);
    }

    [Theory]
    [InlineData("fuzzingserver", "-m fuzzingserver -s /config/spec.json --webport 0")]
    [InlineData("fuzzingclient", "-m fuzzingclient -s /config/spec.json")]
    public async Task Client_mode_starts_the_suite_without_its_web_page_port(string mode, string expected)
    {
        var reports = Directory.CreateTempSubdirectory("tool-options-").FullName;
        try
        {
            using var logs = Microsoft.Extensions.Logging.LoggerFactory.Create(_ => { });
            var run = new ModeRun("clients", "client-mode", new RunnerOptions { ReportsDirectory = reports }, logs);
            var engine = new RecordingEngine();
            await using var _ = await run.StartSuiteAsync(engine, mode, "spec.json", null, 9001, CancellationToken.None);
            Assert.Equal(expected, string.Join(' ', engine.Arguments!));
        }
        finally
        {
            Directory.Delete(reports, recursive: true);
        }
    }

    /// <summary>Records the wstest command line it is given; starts nothing.</summary>
    private sealed class RecordingEngine : ISuiteEngine, ISuiteProcess
    {
        public IReadOnlyList<string>? Arguments { get; private set; }
        public string Name => "recording";
        public string? Image => null;
        public Task<long> Exited => Task.FromResult(0L);
        public string ConfigPath(string fileName) => "/config/" + fileName;
        public string ReportsPath(string folder) => "/reports/" + folder;
        public string HostUrlAsSeenBySuite(string url) => url;

        public Task<ISuiteProcess> StartAsync(IReadOnlyList<string> wstestArguments, Action<string> onLine, int? listenPort, CancellationToken ct)
        {
            Arguments = wstestArguments;
            return Task.FromResult<ISuiteProcess>(this);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
