using System.Text.Json;
using Microsoft.Playwright;

namespace Autobahn.Reports.Browser.Tests;

/// <summary>Reads what a page shows: a script run in the page returns it as JSON, deserialized into records.</summary>
internal static class PageJson
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    /// <param name="script">A function expression returning a value JSON can hold.</param>
    public static async Task<T> ReadAsync<T>(this IPage page, string script)
    {
        var json = await page.EvaluateAsync<string>($"() => JSON.stringify(({script})())");
        return JsonSerializer.Deserialize<T>(json, Options)
            ?? throw new InvalidOperationException($"{page.Url}: the page script returned null");
    }

    /// <summary>Opens <paramref name="url"/> and returns the server's HTTP status for it.</summary>
    public static async Task<int> OpenAsync(this IPage page, Uri url)
    {
        var response = await page.GotoAsync(url.ToString());
        return response?.Status ?? throw new InvalidOperationException($"{url}: no response");
    }
}
