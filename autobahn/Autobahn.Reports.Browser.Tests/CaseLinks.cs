using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Autobahn.Reports.Browser.Tests;

/// <summary>Whether every case link of a page leads somewhere: the server answers 200 for it, and the page it opens
/// names the case the link names (its title or a heading says "Case 1.1.1").</summary>
internal static class CaseLinks
{
    /// <summary>The case links of a mode's index page: the first cell of each case row.</summary>
    public const string ModeIndexLinks = "table a[href]";

    /// <summary>The case links of the conformance page: the lists of cases not OK.</summary>
    public const string NotOkListLinks = "ul.cases a[href]";

    private sealed record Link(string Text, string Href);

    private sealed record Names(string Title, string[] Headings);

    /// <returns>The number of case links on the page, and a problem for each that does not resolve to its case.</returns>
    public static async Task<(int Links, IReadOnlyList<string> Problems)> CheckAsync(IPage page, Uri pageUrl, string linkSelector)
    {
        var problems = new List<string>();
        if (await page.OpenAsync(pageUrl) is var status and not 200) return (0, [$"{SiteCrawl.Path(pageUrl)} answers {status}"]);
        var links = await page.ReadAsync<Link[]>(
            $"() => [...document.querySelectorAll('{linkSelector}')].map(a => ({{ text: a.textContent.trim(), href: a.href }}))");
        foreach (var link in links)
        {
            var target = new Uri(link.Href);
            var where = $"{SiteCrawl.Path(pageUrl)}: case {link.Text} -> {SiteCrawl.Path(target)}";
            var answer = await page.OpenAsync(target);
            if (answer != 200)
            {
                problems.Add($"{where} answers {answer}");
                continue;
            }
            var names = await page.ReadAsync<Names>("() => ({ title: document.title, headings: [...document.querySelectorAll('h1, h2, h3')].map(h => h.textContent) })");
            // "Case 1.1.1" but not "Case 1.1.10": the id must end where the text's number ends.
            var named = new Regex($@"\bCase {Regex.Escape(link.Text)}(?![0-9.])");
            if (!named.IsMatch(names.Title) && !names.Headings.Any(named.IsMatch))
            {
                problems.Add($"{where} opens a page that does not name case {link.Text} (title \"{names.Title}\", headings \"{string.Join(" | ", names.Headings)}\")");
            }
        }
        return (links.Length, problems);
    }
}
