using Autobahn.Runner.Reports;
using Xunit;

namespace Autobahn.Runner.Tests;

/// <summary>The explanation block in a case's HTML page: right after body, escaped, replaced when added again.</summary>
public class DetailPageTests
{
    private static string CopyOf(string relative)
    {
        var dir = Directory.CreateTempSubdirectory("detail-").FullName;
        var path = Path.Combine(dir, Path.GetFileName(relative));
        File.Copy(TestData.File(relative), path);
        File.SetAttributes(path, FileAttributes.Normal);
        return path;
    }

    private static int Count(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    [Theory]
    [InlineData("deno-server/servers/unknownserver_case_6_4_3")] // the suite's page
    [InlineData("broken-servers/broken_utf8_case_6_4_1")] // our engine's page
    public void The_block_goes_after_body_once_even_when_added_twice(string stem)
    {
        var html = CopyOf(stem + ".html");
        var original = File.ReadAllText(html);
        var e = FailureExplainer.Explain(TestData.File(stem + ".json"));

        DetailPage.AddExplanation(html, e);
        var once = File.ReadAllText(html);
        DetailPage.AddExplanation(html, e);
        var twice = File.ReadAllText(html);

        Assert.Equal(once, twice);
        Assert.Equal(1, Count(twice, DetailPage.StartMarker));
        Assert.Equal(1, Count(twice, DetailPage.EndMarker));
        var body = twice.IndexOf("<body", StringComparison.OrdinalIgnoreCase);
        var bodyEnd = twice.IndexOf('>', body) + 1;
        Assert.StartsWith("\n" + DetailPage.StartMarker, twice[bodyEnd..]);
        Assert.Contains("-&gt; TEXT", twice); // frame arrows escaped
        Assert.Contains("1007", twice[bodyEnd..twice.IndexOf(DetailPage.EndMarker, StringComparison.Ordinal)]);
        // Removing the block gives back the page.
        var start = twice.IndexOf("\n" + DetailPage.StartMarker, StringComparison.Ordinal);
        var end = twice.IndexOf(DetailPage.EndMarker, StringComparison.Ordinal) + DetailPage.EndMarker.Length;
        Assert.Equal(original, twice.Remove(start, end - start));
    }

    [Fact]
    public void A_changed_explanation_replaces_the_old_block()
    {
        var html = CopyOf("deno-server/servers/unknownserver_case_6_4_3.html");
        var e = FailureExplainer.Explain(TestData.File("deno-server/servers/unknownserver_case_6_4_3.json"));
        DetailPage.AddExplanation(html, e);
        DetailPage.AddExplanation(html, e with { Note = "A <new> note." });
        var text = File.ReadAllText(html);
        Assert.Equal(1, Count(text, DetailPage.StartMarker));
        Assert.Contains("A &lt;new&gt; note.", text);
        Assert.DoesNotContain("NON-STRICT: the answer is allowed", text);
    }

    [Fact]
    public void ExplainAll_touches_only_non_ok_cases_with_both_files()
    {
        var dir = Directory.CreateTempSubdirectory("explain-all-").FullName;
        foreach (var f in new[] { "index.json", "unknownserver_case_6_4_3.json", "unknownserver_case_6_4_3.html", "unknownserver_case_12_1_1.json" })
        {
            File.Copy(TestData.File("deno-server/servers/" + f), Path.Combine(dir, f));
            File.SetAttributes(Path.Combine(dir, f), FileAttributes.Normal);
        }
        var run = new AgentRun(SuiteIndex.Load(dir)["UnknownServer"], "servers", "docker", "autobahn");
        Assert.Equal(1, DetailPage.ExplainAll(run)); // 12.1.1 has no HTML here
        Assert.Equal(1, DetailPage.ExplainAll(run));
        Assert.Equal(1, Count(File.ReadAllText(Path.Combine(dir, "unknownserver_case_6_4_3.html")), DetailPage.StartMarker));
    }
}
