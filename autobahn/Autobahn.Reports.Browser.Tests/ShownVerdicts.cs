using Microsoft.Playwright;

namespace Autobahn.Reports.Browser.Tests;

/// <summary>
/// Whether the verdicts the pages show case by case are index.json's: each mode's index page lists every case once
/// with its two verdicts, and the conformance page lists exactly the cases that are not OK, with theirs.
/// </summary>
internal static class ShownVerdicts
{
    private sealed record Agent(string Name, IndexedCase[] Cases);

    private sealed record Section(string? Report, Agent[] Agents);

    /// <summary>A mode's index page: per agent a heading, then a table of case, behavior, close, ...</summary>
    public static async Task<IReadOnlyList<string>> CheckModeIndexAsync(IPage page, Uri site, string mode)
    {
        var path = $"{mode}/index.html";
        if (await page.OpenAsync(new Uri(site, path)) is var status and not 200) return [$"/{path} answers {status}"];
        var shown = await page.ReadAsync<Agent[]>("""
            () => [...document.querySelectorAll('h2')].map(h => {
              const t = h.nextElementSibling;
              const rows = t && t.tagName === 'TABLE' ? [...t.rows].filter(r => r.cells.length >= 3 && r.cells[0].tagName === 'TD') : [];
              return { name: h.textContent.trim(), cases: rows.map(r => ({ id: r.cells[0].textContent.trim(), behavior: r.cells[1].textContent.trim(), close: r.cells[2].textContent.trim() })) };
            })
            """);
        var index = await IndexJson.FetchAsync(new Uri(site, $"{mode}/index.json"));
        var problems = new List<string>();
        Compare(path, index, shown, c => true, problems);
        return problems;
    }

    /// <summary>The conformance page: per mode section and agent, the list of cases not OK ("1.2.3 FAILED close UNCLEAN").</summary>
    public static async Task<IReadOnlyList<string>> CheckNotOkListsAsync(IPage page, Uri site, IEnumerable<string> modes)
    {
        var path = ChapterTableCheck.Page;
        if (await page.OpenAsync(new Uri(site, path)) is var status and not 200) return [$"/{path} answers {status}"];
        var sections = await page.ReadAsync<Section[]>("""
            () => [...document.querySelectorAll('section.mode')].map(s => ({
              report: s.querySelector('a[href$="/index.html"]')?.getAttribute('href') ?? null,
              agents: [...s.querySelectorAll('article.agent')].map(a => ({
                name: a.querySelector('h3').textContent.trim(),
                cases: [...a.querySelectorAll('ul.cases li')].map(li => {
                  const verdicts = [...li.querySelectorAll('span:not(.missing)')].map(v => v.textContent.trim());
                  return { id: li.textContent.trim().split(' ')[0], behavior: verdicts[0] ?? '', close: verdicts[1] ?? 'OK' };
                }),
              })),
            }))
            """);
        var problems = new List<string>();
        foreach (var mode in modes)
        {
            var index = await IndexJson.FetchAsync(new Uri(site, $"{mode}/index.json"));
            var section = sections.FirstOrDefault(s => s.Report == $"{mode}/index.html");
            if (section is null) { problems.Add($"{path}: no section links {mode}/index.html"); continue; }
            Compare($"{path} {mode}", index, section.Agents, c => !c.IsOk, problems);
        }
        return problems;
    }

    /// <summary>The page must show, per agent, exactly the cases of index.json that <paramref name="listed"/> picks, once each, with their verdicts.</summary>
    private static void Compare(string where, IReadOnlyDictionary<string, IReadOnlyList<IndexedCase>> index, Agent[] shown,
        Func<IndexedCase, bool> listed, List<string> problems)
    {
        foreach (var name in index.Keys.Union(shown.Select(a => a.Name)))
        {
            var agent = shown.FirstOrDefault(a => a.Name == name);
            if (agent is null) { problems.Add($"{where}: agent {name} of index.json is not shown"); continue; }
            if (!index.TryGetValue(name, out var cases)) { problems.Add($"{where}: agent {name} is shown but not in index.json"); continue; }
            var want = cases.Where(listed).ToDictionary(c => c.Id);
            foreach (var group in agent.Cases.GroupBy(c => c.Id))
            {
                if (group.Count() > 1) problems.Add($"{where} {name}: case {group.Key} is shown {group.Count()} times");
                var got = group.First();
                if (!want.Remove(got.Id, out var expected)) problems.Add($"{where} {name}: case {got.Id} is shown ({got.Behavior}, close {got.Close}) but {(cases.Any(c => c.Id == got.Id) ? "should not be listed" : "is not in index.json")}");
                else if (got != expected) problems.Add($"{where} {name}: case {got.Id} is shown {got.Behavior}, close {got.Close}; index.json has {expected.Behavior}, close {expected.Close}");
            }
            foreach (var missing in want.Values) problems.Add($"{where} {name}: case {missing.Id} ({missing.Behavior}, close {missing.Close}) is not shown");
        }
    }
}
