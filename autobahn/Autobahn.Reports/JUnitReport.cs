using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Autobahn.Vocabulary;

namespace Autobahn.Runner.Reports;

/// <summary>
/// The runs as JUnit XML, the format every CI system shows as test results: one testsuite per chapter per agent,
/// one testcase per case; cases the policy fails are failures carrying the explanation, UNIMPLEMENTED ones the
/// policy lets pass are skipped, and NON-STRICT / INFORMATIONAL ones pass with the explanation as output. The RFC 8441
/// chapter's runs follow, one testsuite per section (<see cref="Rfc8441Report.Suites"/>), judged by the same policy.
/// </summary>
public static class JUnitReport
{
    public static XDocument Build(IReadOnlyList<AgentRun> runs, VerdictPolicy policy, IReadOnlyList<Rfc8441AgentRun>? http2 = null)
    {
        var suites = new List<XElement>();
        foreach (var run in runs)
        {
            foreach (var chapter in run.Report.Cases.GroupBy(c => Chapters.For(c.Id)).OrderBy(g => g.Key.Numbers[0]))
            {
                suites.Add(Suite(run, chapter.Key, [.. chapter], policy));
            }
        }
        foreach (var run in http2 ?? []) suites.AddRange(Rfc8441Report.Suites(run, policy));
        return new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement("testsuites",
            new XAttribute("name", "wsconform"),
            Totals(suites),
            suites));
    }

    public static void Write(string path, IReadOnlyList<AgentRun> runs, VerdictPolicy policy, IReadOnlyList<Rfc8441AgentRun>? http2 = null)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        Build(runs, policy, http2).Save(path);
    }

    /// <summary>Our schema of the format (junit.xsd, embedded).</summary>
    public static XmlSchemaSet Schema()
    {
        var set = new XmlSchemaSet();
        using var stream = Resources.Open("junit.xsd");
        using var reader = XmlReader.Create(stream);
        set.Add(null, reader);
        set.Compile();
        return set;
    }

    /// <summary>Every way <paramref name="doc"/> breaks the schema; empty when it is valid.</summary>
    public static IReadOnlyList<string> Validate(XDocument doc)
    {
        var errors = new List<string>();
        doc.Validate(Schema(), (_, e) => errors.Add($"{e.Severity}: {e.Message}"));
        return errors;
    }

    private static XElement Suite(AgentRun run, Chapter chapter, IReadOnlyList<CaseResult> cases, VerdictPolicy policy)
    {
        var testcases = cases.Select(c => Case(run, chapter, c, policy)).ToList();
        var properties = new XElement("properties",
            Property("profile", run.Profile),
            Property("engine", run.Engine),
            Property("transport", run.Transport),
            Property("agent", run.Agent),
            Property("mode", run.Mode),
            run.Target is null ? null : Property("target", run.Target));
        return new XElement("testsuite",
            new XAttribute("name", $"{run.Mode}/{run.Agent}: {chapter.Key} {chapter.Title}"),
            Totals(testcases),
            properties,
            testcases);
    }

    private static XElement Case(AgentRun run, Chapter chapter, CaseResult c, VerdictPolicy policy)
    {
        var element = new XElement("testcase",
            new XAttribute("classname", $"wsconform.{run.Mode}.{run.Agent}.{chapter.Key}"),
            new XAttribute("name", $"{c.Id.Text} {chapter.Title}"),
            new XAttribute("time", Seconds(c.DurationMs ?? 0)));
        if (c.IsOk) return element;
        var type = $"{c.Behavior.Name()}/{c.BehaviorClose.Name()}";
        if (policy.Reason(c) is { } reason)
        {
            element.Add(new XElement("failure", new XAttribute("message", reason), new XAttribute("type", type), run.Explain(c)));
        }
        else if (c.Behavior == Behavior.Unimplemented)
        {
            element.Add(new XElement("skipped", new XAttribute("message", $"{type}: the side under test did not negotiate what this case needs")));
        }
        else
        {
            element.Add(new XElement("system-out", run.Explain(c)));
        }
        return element;
    }

    /// <summary>tests, failures, errors, skipped and time summed over testcases or over testsuites.</summary>
    internal static IEnumerable<XAttribute> Totals(IReadOnlyList<XElement> children)
    {
        int Count(string attribute, string element) => children.Sum(s =>
            s.Name == "testcase" ? s.Elements(element).Any() ? 1 : 0 : (int?)s.Attribute(attribute) ?? 0);
        var time = children.Sum(s => decimal.Parse((string?)s.Attribute("time") ?? "0", CultureInfo.InvariantCulture));
        yield return new XAttribute("tests", children.Sum(s => s.Name == "testcase" ? 1 : (int)s.Attribute("tests")!));
        yield return new XAttribute("failures", Count("failures", "failure"));
        yield return new XAttribute("errors", Count("errors", "error"));
        yield return new XAttribute("skipped", Count("skipped", "skipped"));
        yield return new XAttribute("time", time.ToString("0.000", CultureInfo.InvariantCulture));
    }

    internal static string Seconds(long ms) => (ms / 1000m).ToString("0.000", CultureInfo.InvariantCulture);

    internal static XElement Property(string name, string value) => new("property", new XAttribute("name", name), new XAttribute("value", value));
}
