using System.Text.Json;
using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;
using Xunit;

namespace Autobahn.Runner.Tests;

/// <summary>The exit code: non-zero on FAILED behavior, on a failed close, and on UNIMPLEMENTED when compression is claimed.</summary>
public class VerdictTests
{
    private static AgentReport One(string behavior, string close)
    {
        var line = "{\"behavior\":\"" + behavior + "\",\"behaviorClose\":\"" + close + "\",\"reportfile\":\"a_case_2_1.json\"}";
        using var doc = JsonDocument.Parse(
            """{"a":{"1.1.1":{"behavior":"OK","behaviorClose":"OK","reportfile":"a_case_1_1_1.json"},"2.1":""" + line + "}}");
        return SuiteIndex.Parse("x", doc.RootElement)["a"];
    }

    [Theory]
    [InlineData("OK", "OK", 0)]
    [InlineData("INFORMATIONAL", "INFORMATIONAL", 0)]
    [InlineData("NON-STRICT", "OK", 0)]
    [InlineData("UNIMPLEMENTED", "OK", 0)]
    [InlineData("FAILED", "OK", 1)]
    [InlineData("OK", "FAILED", 1)]
    [InlineData("OK", "UNCLEAN", 1)]
    [InlineData("OK", "WRONG CODE", 1)]
    [InlineData("OK", "FAILED BY CLIENT", 1)]
    public void The_default_policy_fails_only_on_failed_behavior_or_a_failed_close(string behavior, string close, int exitCode)
    {
        var verdict = new VerdictPolicy().Evaluate(One(behavior, close));
        Assert.Equal(exitCode, verdict.ExitCode);
        if (exitCode != 0) Assert.Equal("2.1", Assert.Single(verdict.Failures).Case.Id.Text);
    }

    [Fact]
    public void Flags_make_non_strict_and_unimplemented_fail()
    {
        Assert.Equal(1, new VerdictPolicy(FailOnNonStrict: true).Evaluate(One("NON-STRICT", "OK")).ExitCode);
        Assert.Equal(1, new VerdictPolicy(FailOnUnimplemented: true).Evaluate(One("UNIMPLEMENTED", "OK")).ExitCode);
        Assert.Equal(1, new VerdictPolicy(ClaimsCompression: true).Evaluate(One("UNIMPLEMENTED", "OK")).ExitCode);
        Assert.Equal(0, new VerdictPolicy(FailOnNonStrict: true).Evaluate(One("INFORMATIONAL", "INFORMATIONAL")).ExitCode);
    }

    [Fact]
    public void Node_ws_passes_even_claiming_compression_but_not_in_strict_mode()
    {
        var agent = SuiteIndex.Load(TestData.Dir("official-node-ws/servers"))["ws-node"];
        Assert.Equal(0, new VerdictPolicy(ClaimsCompression: true).Evaluate(agent).ExitCode);
        var strict = new VerdictPolicy(ClaimsCompression: true, FailOnNonStrict: true).Evaluate(agent);
        Assert.Equal(1, strict.ExitCode);
        Assert.Equal(["6.4.1", "6.4.2", "6.4.3", "6.4.4"], strict.Failures.Select(f => f.Case.Id.Text));
    }

    [Fact]
    public void Deno_passes_without_a_compression_claim_and_fails_216_cases_with_one()
    {
        var agent = SuiteIndex.Load(TestData.Dir("deno-server/servers"))["UnknownServer"];
        Assert.Equal(0, new VerdictPolicy().Evaluate(agent).ExitCode);
        var claimed = new VerdictPolicy(ClaimsCompression: true).Evaluate(agent);
        Assert.Equal(1, claimed.ExitCode);
        Assert.Equal(216, claimed.Failures.Count);
        Assert.All(claimed.Failures, f => Assert.Contains(f.Case.Id.Chapter, new[] { 12, 13 }));
    }
}
