using System.Text.Json;
using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;
using Xunit;

namespace Autobahn.Runner.Tests;

/// <summary>The failing rule applied to whole reports and the exit code; the rule's own table is in Autobahn.Vocabulary.Tests.</summary>
public class VerdictTests
{
    private static AgentReport One(string behavior, string close)
    {
        var line = "{\"behavior\":\"" + behavior + "\",\"behaviorClose\":\"" + close + "\",\"reportfile\":\"a_case_2_1.json\"}";
        using var doc = JsonDocument.Parse(
            """{"a":{"1.1.1":{"behavior":"OK","behaviorClose":"OK","reportfile":"a_case_1_1_1.json"},"2.1":""" + line + "}}");
        return SuiteIndex.Parse("x", doc.RootElement)["a"];
    }

    [Fact]
    public void Only_the_cases_the_rule_fails_are_listed_and_any_of_them_makes_the_exit_code_1()
    {
        Assert.Equal(0, new VerdictPolicy().Evaluate(One("NON-STRICT", "OK")).ExitCode);
        var verdict = new VerdictPolicy().Evaluate(One("OK", "WRONG CODE"));
        Assert.Equal(1, verdict.ExitCode);
        var failure = Assert.Single(verdict.Failures);
        Assert.Equal("2.1", failure.Case.Id.Text);
        Assert.Equal("close WRONG CODE", failure.Reason);
        Assert.Equal(1, new VerdictPolicy(ClaimsCompression: true).Evaluate(One("UNIMPLEMENTED", "OK")).ExitCode);
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
