using Microsoft.Playwright;

namespace Autobahn.Reports.Browser.Tests;

/// <summary>Whether the page shown is wider than the window, so that a reader has to scroll sideways.</summary>
internal static class HorizontalOverflow
{
    /// <summary>The width the site must fit: a common laptop window.</summary>
    public static readonly ViewportSize Window = new() { Width = 1280, Height = 800 };

    /// <summary>Every page reached from <paramref name="site"/>'s top index, each checked in the browser.</summary>
    /// <returns>The pages checked, and a problem for each page too wide or each link that did not answer 200.</returns>
    public static async Task<(IReadOnlyList<Uri> Pages, IReadOnlyList<string> Problems)> CheckSiteAsync(IPage page, Uri site)
    {
        var problems = new List<string>();
        var (pages, broken) = await SiteCrawl.VisitAsync(page, site, async _ =>
        {
            if (await CheckAsync(page) is { } tooWide) problems.Add(tooWide);
        });
        return (pages, [.. broken, .. problems]);
    }

    private sealed record Widths(int ScrollWidth, int ClientWidth, string[] Widest);

    /// <returns>Null when the document is no wider than the window; else the widths and the innermost elements
    /// that reach past the window's right edge, so the message says what to fix.</returns>
    public static async Task<string?> CheckAsync(IPage page)
    {
        var w = await page.ReadAsync<Widths>("""
            () => {
              const root = document.documentElement, width = root.clientWidth;
              // An element reaches past the edge by its box, or by content it lets overflow its box (a long <pre> line).
              const past = e => { const r = e.getBoundingClientRect(); return r.left + Math.max(r.width, e.scrollWidth) > width + 0.5; };
              const describe = e => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '')
                + ' "' + (e.textContent || '').trim().slice(0, 40) + '"';
              const widest = root.scrollWidth <= width ? [] :
                [...document.body.querySelectorAll('*')].filter(e => past(e) && ![...e.children].some(past)).slice(0, 3).map(describe);
              return { scrollWidth: root.scrollWidth, clientWidth: width, widest };
            }
            """);
        if (w.ScrollWidth <= w.ClientWidth) return null;
        return $"{SiteCrawl.Path(new Uri(page.Url))} is {w.ScrollWidth} px wide in a {w.ClientWidth} px window; past the edge: {string.Join("; ", w.Widest)}";
    }
}
