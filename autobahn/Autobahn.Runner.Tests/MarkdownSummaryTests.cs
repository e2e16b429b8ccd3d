using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;
using Xunit;

namespace Autobahn.Runner.Tests;

/// <summary>The Markdown job summary: heading with the verdict, chapter table, failing cases with why, baseline changes.</summary>
public class MarkdownSummaryTests
{
    private static readonly VerdictPolicy Policy = new();

    [Fact]
    public void Heading_table_and_failing_cases_with_their_explanation()
    {
        var md = MarkdownSummary.Render([BrokenServers.Run("broken-utf8")], Policy);
        var failing = Policy.Evaluate(BrokenServers.Agent("broken-utf8")).Failures.Count;

        Assert.StartsWith($"### broken-utf8 (servers): FAILED, {failing} failing\n", md);
        Assert.Contains("engine `builtin`, profile `default`, target `ws://127.0.0.1:9311/utf8`", md);
        Assert.Contains("| chapter | cases | OK | NON-STRICT | INFORMATIONAL | UNIMPLEMENTED | FAILED | close problems |", md);
        Assert.Contains("| 6 UTF-8 | 6 | 0 | 0 | 0 | 0 | 6 | 6 |", md);
        Assert.Contains("- **6.4.1** behavior FAILED: 6.4.1 FAILED / close FAILED: Sent a text message in 3 frames", md);
        Assert.Contains("      <- TEXT fin=1 rsv=0 len=21", md); // frames as an indented code block
        Assert.Contains("- **7.3.2** behavior FAILED: 7.3.2 FAILED / close WRONG CODE: Sent", md);
        Assert.Contains("no per-case report file (broken_utf8_case_6_3_2.json)", md);
        Assert.DoesNotContain("**7.1.6**", md); // INFORMATIONAL does not fail
    }

    [Fact]
    public void A_passing_agent_says_passed()
    {
        var ok = new AgentReport("fine", "/nowhere", [new CaseResult(CaseId.Parse("1.1.1"), Behavior.Ok, CloseBehavior.Ok, 2, 1000, "x.json")]);
        var md = MarkdownSummary.Render(new AgentRun(ok, "clients", "docker", "strict"), Policy);
        Assert.StartsWith("### fine (clients): passed\n", md);
        Assert.DoesNotContain("Failing cases", md);
    }

    [Fact]
    public void The_failing_list_is_capped()
    {
        var cases = Enumerable.Range(1, 60).Select(i => new CaseResult(CaseId.Parse($"1.1.{i}"), Behavior.Failed, CloseBehavior.Ok, 1, 1000, $"f_{i}.json")).ToList();
        var md = MarkdownSummary.Render(new AgentRun(new AgentReport("many", "/nowhere", cases), "servers", "builtin", "default"), Policy);
        Assert.Contains("**1.1.50**", md);
        Assert.DoesNotContain("**1.1.51**", md);
        Assert.Contains("- and 10 more\n", md);
    }

    [Fact]
    public void Baseline_changes_are_listed()
    {
        var report = BrokenServers.Agent("broken-wrongcode");
        var baseline = new Expectations("broken-wrongcode", "servers", "default",
            report.Cases.ToDictionary(c => c.Id.Text, c => c.Id.Text == "3.1" ? new CaseVerdict(Behavior.Ok, CloseBehavior.Ok) : CaseVerdict.Of(c)));
        var comparison = baseline.Compare(report, Policy);
        var md = MarkdownSummary.Render([BrokenServers.Run("broken-wrongcode")], Policy, new Dictionary<string, ExpectationComparison> { ["broken-wrongcode"] = comparison });
        Assert.Contains("#### Against the baseline: CHANGED", md);
        Assert.Contains("- regression: 3.1: OK/OK -> OK/WRONG CODE", md);
    }

    [Theory]
    [InlineData("a|b", "a\\|b")]
    [InlineData("`x`", "\\`x\\`")]
    [InlineData("two\nlines", "two lines")]
    public void Cell_text_is_escaped(string text, string escaped) => Assert.Equal(escaped, MarkdownSummary.Escape(text));

    [Fact]
    public void An_agent_name_with_pipes_and_backticks_cannot_break_the_markup()
    {
        var report = new AgentReport("we|ird`name", "/nowhere", [new CaseResult(CaseId.Parse("1.1.1"), Behavior.Ok, CloseBehavior.Ok, 2, 1000, "x.json")]);
        var md = MarkdownSummary.Render(new AgentRun(report, "servers", "a`b", "default"), Policy);
        Assert.Contains("### we\\|ird\\`name (servers)", md);
        Assert.Contains("engine `` a`b ``", md);
    }

    [Fact]
    public void An_RFC_8441_run_follows_the_modes_with_its_section_table_and_lists_NON_STRICT_only_when_strict()
    {
        var run = Rfc8441Data.Run("h2|server", "2026-12-03 15:00:00Z", Rfc8441Data.Case("h2-3.1", VerdictWords.Ok), Rfc8441Data.Case("h2-4.6", VerdictWords.NonStrict, "taken without :authority"));

        var lenient = MarkdownSummary.Render([BrokenServers.Run("broken-utf8")], Policy, http2: [run]);
        Assert.StartsWith("### broken-utf8 (servers): FAILED", lenient);
        Assert.Contains("\n### h2\\|server (rfc8441): passed\n", lenient);
        Assert.Contains("WebSocket over HTTP/2 (RFC 8441), target `http://127.0.0.1:1/h2|server`, started `2026-12-03 15:00:00Z`, 2 cases", lenient);
        Assert.Contains("| h2-4 The extended CONNECT request | 1 | 0 | 1 | 0 | 0 | 0 |\n", lenient);

        var strict = MarkdownSummary.Render([], new VerdictPolicy(FailOnNonStrict: true), http2: [run]);
        Assert.StartsWith("### h2\\|server (rfc8441): FAILED, 1 failing\n", strict);
        Assert.Contains("- **h2-4.6** behavior NON-STRICT (strict mode): NON-STRICT: taken without :authority\n\n      requirement (RFC 8441 §4): the requirement\n      expected: the expectation\n", strict);
    }
}
