using System.Text.Json;

namespace Autobahn.Reports.Browser.Tests;

/// <summary>One case as a mode's index.json records it (the suite's words, unparsed).</summary>
public sealed record IndexedCase(string Id, string Behavior, string Close)
{
    public bool IsOk => Behavior == "OK" && Close == "OK";
}

/// <summary>A mode's index.json as the site serves it: agent -> its cases and their verdicts.</summary>
internal static class IndexJson
{
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<IndexedCase>>> FetchAsync(Uri url)
    {
        using var http = new HttpClient { Timeout = Chromium.Step };
        using var doc = JsonDocument.Parse(await http.GetStringAsync(url));
        var agents = new Dictionary<string, IReadOnlyList<IndexedCase>>();
        foreach (var agent in doc.RootElement.EnumerateObject())
        {
            agents[agent.Name] = agent.Value.EnumerateObject()
                .Select(c => new IndexedCase(c.Name, c.Value.GetProperty("behavior").GetString()!, c.Value.GetProperty("behaviorClose").GetString()!))
                .ToList();
        }
        return agents;
    }
}
