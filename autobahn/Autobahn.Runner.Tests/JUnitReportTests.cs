using System.Xml.Linq;
using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;
using Xunit;

namespace Autobahn.Runner.Tests;

/// <summary>JUnit XML from real runs: suites per chapter, counts, failures with explanations, valid against junit.xsd.</summary>
public class JUnitReportTests
{
    private static readonly VerdictPolicy Policy = new();

    private static XDocument Broken() => JUnitReport.Build([BrokenServers.Run("broken-utf8"), BrokenServers.Run("broken-noclose")], Policy);

    [Fact]
    public void One_suite_per_chapter_per_agent_with_the_runs_properties()
    {
        var doc = Broken();
        var suites = doc.Root!.Elements("testsuite").ToList();
        Assert.Contains(suites, s => (string?)s.Attribute("name") == "servers/broken-utf8: 6 UTF-8");
        Assert.Equal(2 * 5, suites.Count); // chapters 1, 2, 3, 6, 7 for each agent
        var utf8 = suites.Single(s => (string?)s.Attribute("name") == "servers/broken-utf8: 6 UTF-8");
        var props = utf8.Element("properties")!.Elements("property").ToDictionary(p => (string)p.Attribute("name")!, p => (string)p.Attribute("value")!);
        Assert.Equal("default", props["profile"]);
        Assert.Equal("builtin", props["engine"]);
        Assert.Equal("broken-utf8", props["agent"]);
        Assert.Equal("ws://127.0.0.1:9311/utf8", props["target"]);
    }

    [Fact]
    public void Counts_match_the_verdict_policy()
    {
        var doc = Broken();
        var root = doc.Root!;
        var reports = new[] { BrokenServers.Agent("broken-utf8"), BrokenServers.Agent("broken-noclose") };
        Assert.Equal(reports.Sum(r => r.Cases.Count), (int)root.Attribute("tests")!);
        Assert.Equal(reports.Sum(r => Policy.Evaluate(r).Failures.Count), (int)root.Attribute("failures")!);
        Assert.Equal(0, (int)root.Attribute("errors")!);
        foreach (var suite in root.Elements("testsuite"))
        {
            var cases = suite.Elements("testcase").ToList();
            Assert.Equal(cases.Count, (int)suite.Attribute("tests")!);
            Assert.Equal(cases.Count(c => c.Element("failure") is not null), (int)suite.Attribute("failures")!);
            Assert.Equal(cases.Sum(c => (decimal)c.Attribute("time")!), (decimal)suite.Attribute("time")!);
        }
        var totalMs = reports.Sum(r => r.Cases.Sum(c => c.DurationMs ?? 0));
        Assert.Equal(totalMs / 1000m, (decimal)root.Attribute("time")!);
    }

    [Fact]
    public void A_failing_case_carries_the_policy_reason_the_verdicts_and_the_explanation()
    {
        var testcase = Broken().Descendants("testcase").Single(c =>
            (string?)c.Attribute("classname") == "wsconform.servers.broken-utf8.6" && ((string)c.Attribute("name")!).StartsWith("6.4.1 ", StringComparison.Ordinal));
        Assert.Equal("6.4.1 UTF-8", (string)testcase.Attribute("name")!);
        var failure = testcase.Element("failure")!;
        Assert.Equal("behavior FAILED", (string)failure.Attribute("message")!);
        Assert.Equal("FAILED/FAILED", (string)failure.Attribute("type")!);
        Assert.Contains("the server to close with 1007", failure.Value);
        Assert.Contains("<- TEXT fin=1 rsv=0 len=21", failure.Value);
    }

    [Fact]
    public void Informational_passes_with_output_and_unimplemented_is_skipped_unless_compression_is_claimed()
    {
        var utf8 = JUnitReport.Build([BrokenServers.Run("broken-utf8")], Policy);
        var informational = utf8.Descendants("testcase").Single(c => ((string)c.Attribute("name")!).StartsWith("7.1.6 ", StringComparison.Ordinal));
        Assert.Null(informational.Element("failure"));
        Assert.Contains("INFORMATIONAL: ", informational.Element("system-out")!.Value);

        var deno = new AgentRun(SuiteIndex.Load(DenoDir())["UnknownServer"], "servers", "docker", "default");
        var lenient = JUnitReport.Build([deno], Policy);
        Assert.Equal(216, (int)lenient.Root!.Attribute("skipped")!);
        Assert.Empty(JUnitReport.Validate(lenient));
        var claimed = JUnitReport.Build([deno], new VerdictPolicy(ClaimsCompression: true));
        Assert.Equal(0, (int)claimed.Root!.Attribute("skipped")!);
        Assert.Equal(216, (int)claimed.Root!.Attribute("failures")!);
    }

    [Fact]
    public void The_document_is_valid_against_our_schema()
    {
        var doc = Broken();
        Assert.Empty(JUnitReport.Validate(doc));
        var path = Path.Combine(Directory.CreateTempSubdirectory("junit-").FullName, "out", "junit.xml");
        JUnitReport.Write(path, [BrokenServers.Run("broken-wrongcode")], Policy);
        Assert.Empty(JUnitReport.Validate(XDocument.Load(path)));
    }

    [Fact]
    public void A_document_missing_a_required_attribute_is_invalid()
    {
        var doc = Broken();
        doc.Descendants("testcase").First().Attribute("classname")!.Remove();
        var errors = JUnitReport.Validate(doc);
        Assert.Contains(errors, e => e.Contains("classname", StringComparison.Ordinal));

        var noCount = Broken();
        noCount.Root!.Element("testsuite")!.Attribute("failures")!.Remove();
        Assert.NotEmpty(JUnitReport.Validate(noCount));
    }

    /// <summary>Deno's index.json (all 517 cases, 216 UNIMPLEMENTED), committed with a few of its case files.</summary>
    private static string DenoDir() => TestData.Dir("deno-server/servers");
}
