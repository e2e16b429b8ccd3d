using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;
using Xunit;

namespace Autobahn.Runner.Tests;

/// <summary>Golden mode: a saved baseline passes an unchanged run and fails on any change, including a fix.</summary>
public class ExpectationsTests
{
    private static readonly VerdictPolicy Policy = new();

    private static AgentReport Report(params (string Id, Behavior B, CloseBehavior C)[] cases) =>
        new("agent", "/nowhere", cases.Select(c => new CaseResult(CaseId.Parse(c.Id), c.B, c.C, 1, 1000, "f.json")).ToList());

    private static readonly AgentReport Baseline = Report(
        ("1.1.1", Behavior.Ok, CloseBehavior.Ok),
        ("6.4.1", Behavior.NonStrict, CloseBehavior.Ok),
        ("6.3.1", Behavior.Failed, CloseBehavior.Ok),
        ("7.1.6", Behavior.Informational, CloseBehavior.Informational));

    [Fact]
    public void Save_and_load_round_trip_in_the_documented_format()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("expect-").FullName, "expected.json");
        Expectations.From(Baseline, "servers", "default").Save(path);

        var text = File.ReadAllText(path);
        Assert.Contains("\"format\": \"wsconform-expectations/1\"", text);
        Assert.Contains("\"6.4.1\": {\n      \"behavior\": \"NON-STRICT\",\n      \"behaviorClose\": \"OK\"", text.Replace("\r", "", StringComparison.Ordinal));
        var loaded = Expectations.Load(path);
        Assert.Equal(("agent", "servers", "default"), (loaded.Agent, loaded.Mode, loaded.Profile));
        Assert.Equal(new CaseVerdict(Behavior.Informational, CloseBehavior.Informational), loaded.Cases["7.1.6"]);
        Assert.True(loaded.Compare(Baseline, Policy).Passed);
    }

    [Fact]
    public void A_file_of_another_format_is_refused()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "{\"format\":\"something/2\",\"cases\":{}}");
        Assert.Contains("wsconform-expectations/1", Assert.Throws<FormatException>(() => Expectations.Load(path)).Message);
    }

    [Fact]
    public void An_unchanged_run_passes_and_baseline_cases_not_run_are_only_counted()
    {
        var subset = Report(("1.1.1", Behavior.Ok, CloseBehavior.Ok), ("6.4.1", Behavior.NonStrict, CloseBehavior.Ok));
        var result = Expectations.From(Baseline, "servers", "default").Compare(subset, Policy);
        Assert.True(result.Passed);
        Assert.Equal(["6.3.1", "7.1.6"], result.NotRun);
    }

    [Fact]
    public void A_changed_verdict_fails_and_is_sorted_by_kind()
    {
        var now = Report(
            ("1.1.1", Behavior.Failed, CloseBehavior.Ok),
            ("6.4.1", Behavior.Ok, CloseBehavior.Ok),
            ("6.3.1", Behavior.Failed, CloseBehavior.Ok),
            ("7.1.6", Behavior.Informational, CloseBehavior.Informational),
            ("9.1.1", Behavior.Ok, CloseBehavior.Ok));
        var result = Expectations.From(Baseline, "servers", "default").Compare(now, Policy);
        Assert.False(result.Passed);
        Assert.Equal("1.1.1: OK/OK -> FAILED/OK", Assert.Single(result.Regressions).ToString());
        Assert.Equal("6.4.1: NON-STRICT/OK -> OK/OK", Assert.Single(result.Changes).ToString());
        Assert.Equal("9.1.1: not in the baseline -> OK/OK", Assert.Single(result.New).ToString());
        Assert.Empty(result.Fixes);
    }

    [Fact]
    public void An_unexpected_fix_fails_too()
    {
        var now = Report(
            ("1.1.1", Behavior.Ok, CloseBehavior.Ok),
            ("6.4.1", Behavior.NonStrict, CloseBehavior.Ok),
            ("6.3.1", Behavior.Ok, CloseBehavior.Ok),
            ("7.1.6", Behavior.Informational, CloseBehavior.Informational));
        var result = Expectations.From(Baseline, "servers", "default").Compare(now, Policy);
        Assert.False(result.Passed);
        Assert.Equal("6.3.1", Assert.Single(result.Fixes).CaseId);
        Assert.Empty(result.Regressions);
    }

    [Fact]
    public void Whether_a_change_is_a_regression_follows_the_policy()
    {
        var now = Report(("1.1.1", Behavior.Ok, CloseBehavior.Ok), ("6.4.1", Behavior.Ok, CloseBehavior.Ok),
            ("6.3.1", Behavior.Failed, CloseBehavior.Ok), ("7.1.6", Behavior.Informational, CloseBehavior.Informational));
        var strict = Expectations.From(Baseline, "servers", "strict").Compare(now, new VerdictPolicy(FailOnNonStrict: true));
        Assert.Equal("6.4.1", Assert.Single(strict.Fixes).CaseId);
    }
}
