using Microsoft.Playwright;

namespace Autobahn.Reports.Browser.Tests;

/// <summary>Every page a user reaches from a site's top index by following its links, each opened once in the browser.</summary>
internal static class SiteCrawl
{
    /// <summary>Opens each HTML page of <paramref name="start"/>'s site reachable by links (same origin; other files
    /// such as summary.json are not pages) and calls <paramref name="visit"/> while it is shown.</summary>
    /// <returns>The pages visited, and a problem for each link that did not answer 200.</returns>
    public static async Task<(IReadOnlyList<Uri> Pages, IReadOnlyList<string> Problems)> VisitAsync(IPage page, Uri start, Func<Uri, Task> visit)
    {
        var seen = new HashSet<Uri> { start };
        var queue = new Queue<(Uri Url, Uri? From)>([(start, null)]);
        var pages = new List<Uri>();
        var problems = new List<string>();
        while (queue.TryDequeue(out var next))
        {
            var status = await page.OpenAsync(next.Url);
            if (status != 200)
            {
                problems.Add($"{Path(next.Url)} answers {status} (linked from {(next.From is null ? "nowhere: the start" : Path(next.From))})");
                continue;
            }
            pages.Add(next.Url);
            await visit(next.Url);
            foreach (var href in await page.ReadAsync<string[]>("() => [...document.querySelectorAll('a[href]')].map(a => a.href)"))
            {
                var url = new Uri(new Uri(href).GetLeftPart(UriPartial.Query));
                if (url.GetLeftPart(UriPartial.Authority) != start.GetLeftPart(UriPartial.Authority) || !IsPage(url)) continue;
                if (seen.Add(url)) queue.Enqueue((url, next.Url));
            }
        }
        return (pages, problems);
    }

    /// <summary>A page's path in the site, for messages.</summary>
    public static string Path(Uri url) => url.AbsolutePath;

    private static bool IsPage(Uri url) => url.AbsolutePath.EndsWith(".html", StringComparison.Ordinal) || url.AbsolutePath.EndsWith('/');
}
