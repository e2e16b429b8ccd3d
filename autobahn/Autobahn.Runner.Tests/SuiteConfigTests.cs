using System.Text.Json.Nodes;
using Xunit;

namespace Autobahn.Runner.Tests;

/// <summary>The spec files the runner writes carry the fields the suite reads.</summary>
public class SuiteConfigTests
{
    [Fact]
    public void Fuzzingclient_json_names_outdir_the_server_under_test_and_the_case_lists()
    {
        var spec = SuiteConfig.FuzzingClient("/reports/servers", "my-server", "ws://127.0.0.1:9011/echo", ["1.*", "9.1.1"], ["12.*"]);

        Assert.Equal("/reports/servers", (string?)spec["outdir"]);
        var server = Assert.Single(spec["servers"]!.AsArray())!;
        Assert.Equal("my-server", (string?)server["agent"]);
        Assert.Equal("ws://127.0.0.1:9011/echo", (string?)server["url"]);
        Assert.NotNull(server["options"]);
        Assert.Equal(["1.*", "9.1.1"], spec["cases"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(["12.*"], spec["exclude-cases"]!.AsArray().Select(n => (string?)n));
        Assert.Empty(spec["exclude-agent-cases"]!.AsObject());
    }

    [Fact]
    public void Fuzzingserver_json_names_the_url_outdir_and_the_case_lists()
    {
        var spec = SuiteConfig.FuzzingServer("ws://127.0.0.1:9001", "/reports/clients", ["*"], []);

        Assert.Equal("ws://127.0.0.1:9001", (string?)spec["url"]);
        Assert.Equal("/reports/clients", (string?)spec["outdir"]);
        Assert.Equal(["*"], spec["cases"]!.AsArray().Select(n => (string?)n));
        Assert.Empty(spec["exclude-cases"]!.AsArray());
        Assert.Empty(spec["exclude-agent-cases"]!.AsObject());
    }

    [Fact]
    public void The_written_file_is_the_json_the_suite_reads_back()
    {
        var dir = Directory.CreateTempSubdirectory("spec-");
        try
        {
            var path = SuiteConfig.Write(dir.FullName, SuiteConfig.FuzzingServerFile, SuiteConfig.FuzzingServer("ws://127.0.0.1:9001", "/reports/clients", ["6.*"], ["6.4.*"]));
            var back = JsonNode.Parse(File.ReadAllText(path))!;
            Assert.Equal("6.4.*", (string?)back["exclude-cases"]![0]);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("crossbario/autobahn-testsuite", "crossbario/autobahn-testsuite", "latest")]
    [InlineData("crossbario/autobahn-testsuite:0.8.2", "crossbario/autobahn-testsuite", "0.8.2")]
    [InlineData("localhost:5000/suite", "localhost:5000/suite", "latest")]
    [InlineData("localhost:5000/suite:v1", "localhost:5000/suite", "v1")]
    public void An_image_reference_splits_into_name_and_tag_with_a_registry_port_kept_in_the_name(string image, string name, string tag) =>
        Assert.Equal((name, tag), DockerEngine.SplitReference(image));

    [Fact]
    public void Case_patterns_split_on_spaces_and_commas_and_default_to_all()
    {
        Assert.Equal(["1.*", "9.1.1", "12.2.*"], RunnerOptions.SplitPatterns(["1.* 9.1.1,12.2.*"], ["*"]));
        Assert.Equal(["*"], RunnerOptions.SplitPatterns(null, ["*"]));
        Assert.Equal(["*"], RunnerOptions.SplitPatterns([" , "], ["*"]));
    }

    [Fact]
    public void A_target_is_a_server_so_both_modes_mean_server_mode_only()
    {
        Assert.True(new RunnerOptions().RunsClientMode);
        Assert.True(new RunnerOptions().RunsServerMode);
        var targeted = new RunnerOptions { Target = "ws://127.0.0.1:9011" };
        Assert.False(targeted.RunsClientMode);
        Assert.True(targeted.RunsServerMode);
        Assert.False(new RunnerOptions { Mode = RunMode.Client }.RunsServerMode);
    }
}
