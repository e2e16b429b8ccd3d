using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Autobahn.Reports.Browser.Tests;

/// <summary>
/// The checks of <see cref="ReportsSiteTests"/>, the same functions, shown a copy of the real site broken on purpose:
/// each must name what was broken, and nothing else.
/// </summary>
[Collection(nameof(ReportsSite))]
public sealed class ChecksSeeBreakageTests(Chromium chromium, ReportsSite site)
{
    [Fact]
    public async Task A_page_wider_than_1280_px_and_a_link_to_a_missing_page_are_caught_by_the_walk_through_the_site()
    {
        await using var copy = await site.ServeCopyAsync(folder =>
        {
            Edit(folder, ChapterTableCheck.Page,
                html => html.Replace("<h1>", "<div class=\"too-wide\" style=\"width:1600px\">wide</div><h1>", StringComparison.Ordinal));
            File.Delete(CasePage(folder, "servers", "1.1.1"));
        });
        var page = await chromium.NewPageAsync(new() { ViewportSize = HorizontalOverflow.Window });

        var (_, problems) = await HorizontalOverflow.CheckSiteAsync(page, copy.Root);

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("/servers/", StringComparison.Ordinal) && p.Contains("_case_1_1_1.html answers 404 (linked from /", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("/conformance.html is 16", StringComparison.Ordinal) && p.Contains("div.too-wide \"wide\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_case_link_to_a_missing_page_or_to_another_cases_page_is_caught()
    {
        await using var copy = await site.ServeCopyAsync(folder =>
        {
            File.Delete(CasePage(folder, "servers", "1.1.1"));
            // 1.1.2's link now leads to 1.1.3's page.
            var to113 = Path.GetFileName(CasePage(folder, "servers", "1.1.3"));
            Edit(folder, "servers/index.html", html => Regex.Replace(html, @"href=""[^""]*_1_1_2\.html""", $"href=\"{to113}\""));
        });
        var page = await chromium.NewPageAsync(new() { ViewportSize = HorizontalOverflow.Window });

        var (_, problems) = await CaseLinks.CheckAsync(page, new Uri(copy.Root, "servers/index.html"), CaseLinks.ModeIndexLinks);

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("case 1.1.1 ->", StringComparison.Ordinal) && p.EndsWith("answers 404", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("case 1.1.2 ->", StringComparison.Ordinal) && p.Contains("does not name case 1.1.2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_verdict_that_index_json_no_longer_has_is_caught_in_the_chapter_table_and_in_both_case_lists()
    {
        // index.json now says 1.1.1 FAILED; the pages still show it OK.
        await using var copy = await site.ServeCopyAsync(folder => Edit(folder, "servers/index.json", text =>
        {
            var index = JsonNode.Parse(text)!.AsObject();
            foreach (var (_, cases) in index) cases!["1.1.1"]!["behavior"] = "FAILED";
            return index.ToJsonString();
        }));
        var page = await chromium.NewPageAsync(new() { ViewportSize = HorizontalOverflow.Window });

        var table = await ChapterTableCheck.CheckAsync(page, copy.Root, ReportsSite.Modes);
        // Chapter 1 and the total each: one fewer OK and one more FAILED than the page shows.
        Assert.Equal(4, table.Count);
        Assert.All(table, p => Assert.Matches(@"servers websocketkit-server, chapter (1|total), behavior (OK: the page shows \d+, index.json has \d+|FAILED: the page shows 0, index.json has 1)$", p));

        var modeIndex = Assert.Single(await ShownVerdicts.CheckModeIndexAsync(page, copy.Root, "servers"));
        Assert.EndsWith("case 1.1.1 is shown OK, close OK; index.json has FAILED, close OK", modeIndex, StringComparison.Ordinal);
        var notOk = Assert.Single(await ShownVerdicts.CheckNotOkListsAsync(page, copy.Root, ReportsSite.Modes));
        Assert.EndsWith("case 1.1.1 (FAILED, close OK) is not shown", notOk, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_count_changed_in_the_rendered_chapter_table_is_caught()
    {
        // The first agent's total row says one case fewer than it has.
        await using var copy = await site.ServeCopyAsync(folder => Edit(folder, ChapterTableCheck.Page, html =>
            new Regex(@"(<tr class=""total""><td>total</td><td>)(\d+)(</td>)").Replace(html, m => m.Groups[1].Value + (int.Parse(m.Groups[2].Value) - 1) + m.Groups[3].Value, 1)));
        var page = await chromium.NewPageAsync(new() { ViewportSize = HorizontalOverflow.Window });

        var problem = Assert.Single(await ChapterTableCheck.CheckAsync(page, copy.Root, ReportsSite.Modes));
        Assert.Matches(@", chapter total, cases: the page shows (\d+), index.json has \d+$", problem);
    }

    private static void Edit(string folder, string file, Func<string, string> change)
    {
        var path = Path.Combine(folder, file);
        var before = File.ReadAllText(path);
        var after = change(before);
        // A change that matched nothing would make the test pass for the wrong reason.
        Assert.NotEqual(before, after);
        File.WriteAllText(path, after);
    }

    /// <summary>The one case page of <paramref name="id"/> in a mode's folder (file names end in _case_1_1_1.html).</summary>
    private static string CasePage(string folder, string mode, string id) =>
        Assert.Single(Directory.GetFiles(Path.Combine(folder, mode), $"*_case_{id.Replace('.', '_')}.html"));
}
