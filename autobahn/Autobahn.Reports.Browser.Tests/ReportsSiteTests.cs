namespace Autobahn.Reports.Browser.Tests;

/// <summary>
/// The published reports site (scripts/build-pages.sh over a real run of both modes), served over HTTP and read in
/// headless Chromium as a reader sees it: it fits a 1280 px window, every case link resolves to its case, and the
/// tables say what index.json says.
/// </summary>
[Collection(nameof(ReportsSite))]
public sealed class ReportsSiteTests(Chromium chromium, ReportsSite site)
{
    [Fact]
    public async Task Every_page_reached_from_the_top_index_fits_a_1280_px_window_without_scrolling_sideways()
    {
        var page = await chromium.NewPageAsync(new() { ViewportSize = HorizontalOverflow.Window });
        var (pages, problems) = await HorizontalOverflow.CheckSiteAsync(page, site.Root);

        Problems.AssertNone(problems);
        var paths = pages.Select(SiteCrawl.Path).ToList();
        Assert.Contains("/", paths);
        Assert.Contains("/conformance.html", paths);
        foreach (var mode in ReportsSite.Modes)
        {
            // The mode's index page and each case's page: every case of the run is reached.
            Assert.Contains($"/{mode}/index.html", paths);
            var cases = (await IndexJson.FetchAsync(new Uri(site.Root, $"{mode}/index.json"))).Values.Sum(c => c.Count);
            Assert.Equal(cases, paths.Count(p => p.StartsWith($"/{mode}/", StringComparison.Ordinal) && p != $"/{mode}/index.html"));
        }
    }

    [Fact]
    public async Task Every_case_link_on_each_modes_index_page_answers_200_and_opens_the_page_of_that_case()
    {
        var page = await chromium.NewPageAsync(new() { ViewportSize = HorizontalOverflow.Window });
        foreach (var mode in ReportsSite.Modes)
        {
            var (links, problems) = await CaseLinks.CheckAsync(page, new Uri(site.Root, $"{mode}/index.html"), CaseLinks.ModeIndexLinks);

            Problems.AssertNone(problems);
            var index = await IndexJson.FetchAsync(new Uri(site.Root, $"{mode}/index.json"));
            Assert.Equal(index.Values.Sum(c => c.Count), links);
        }
    }

    [Fact]
    public async Task Every_case_link_of_the_conformance_page_opens_the_page_of_that_case()
    {
        var page = await chromium.NewPageAsync(new() { ViewportSize = HorizontalOverflow.Window });
        var (links, problems) = await CaseLinks.CheckAsync(page, new Uri(site.Root, ChapterTableCheck.Page), CaseLinks.NotOkListLinks);

        Problems.AssertNone(problems);
        // 7.1.6 is INFORMATIONAL in both modes, so the lists are not empty.
        Assert.True(links >= ReportsSite.Modes.Count, $"{links} case links on the conformance page");
    }

    [Fact]
    public async Task The_chapter_tables_on_the_conformance_page_hold_the_counts_of_each_modes_index_json()
    {
        var page = await chromium.NewPageAsync(new() { ViewportSize = HorizontalOverflow.Window });
        Problems.AssertNone(await ChapterTableCheck.CheckAsync(page, site.Root, ReportsSite.Modes));
    }

    [Fact]
    public async Task Each_modes_index_page_shows_every_case_of_index_json_once_with_its_two_verdicts()
    {
        var page = await chromium.NewPageAsync(new() { ViewportSize = HorizontalOverflow.Window });
        foreach (var mode in ReportsSite.Modes)
        {
            Problems.AssertNone(await ShownVerdicts.CheckModeIndexAsync(page, site.Root, mode));
        }
    }

    [Fact]
    public async Task The_conformance_page_lists_exactly_the_cases_not_OK_with_their_verdicts()
    {
        var page = await chromium.NewPageAsync(new() { ViewportSize = HorizontalOverflow.Window });
        Problems.AssertNone(await ShownVerdicts.CheckNotOkListsAsync(page, site.Root, ReportsSite.Modes));
    }
}
