using Autobahn.Vocabulary;
using Microsoft.Playwright;

namespace Autobahn.Reports.Browser.Tests;

/// <summary>
/// Whether the chapter tables the conformance page shows (read from the page, cell by cell) hold the counts of each
/// mode's index.json: per agent, per chapter row and the total, the number of cases and of each verdict.
/// </summary>
internal static class ChapterTableCheck
{
    public const string Page = "conformance.html";

    /// <summary>The page's counts are keyed "cases", or the column group's heading and the verdict ("behavior OK",
    /// "close behavior OK"), as the table's two header rows name them.</summary>
    private const string CasesColumn = "cases";

    private sealed record Group(string Name, int Span);

    private sealed record Table(string Agent, Group[] Groups, string[] Columns, string[][] Rows);

    private sealed record Section(string? Report, Table[] Tables);

    /// <returns>A problem for each count that differs, each row or agent missing on either side; none when they agree.</returns>
    public static async Task<IReadOnlyList<string>> CheckAsync(IPage page, Uri site, IEnumerable<string> modes)
    {
        if (await page.OpenAsync(new Uri(site, Page)) is var status and not 200) return [$"/{Page} answers {status}"];
        var sections = await page.ReadAsync<Section[]>("""
            () => [...document.querySelectorAll('section.mode')].map(s => ({
              report: s.querySelector('a[href$="/index.html"]')?.getAttribute('href') ?? null,
              tables: [...s.querySelectorAll('article.agent')].map(a => {
                const t = a.querySelector('table.chapters'), head = t ? t.tHead.rows : [];
                return {
                  agent: a.querySelector('h3').textContent.trim(),
                  groups: head.length ? [...head[0].cells].filter(c => c.colSpan > 1).map(c => ({ name: c.textContent.trim(), span: c.colSpan })) : [],
                  columns: head.length > 1 ? [...head[1].cells].map(c => c.querySelector('abbr')?.title ?? c.textContent.trim()) : [],
                  rows: t ? [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent.trim())) : [],
                };
              }),
            }))
            """);
        var problems = new List<string>();
        foreach (var mode in modes)
        {
            var index = await IndexJson.FetchAsync(new Uri(site, $"{mode}/index.json"));
            var section = sections.FirstOrDefault(s => s.Report == $"{mode}/index.html");
            if (section is null)
            {
                problems.Add($"{Page}: no section links {mode}/index.html, so {mode}/index.json has no chapter table");
                continue;
            }
            foreach (var agent in index.Keys.Union(section.Tables.Select(t => t.Agent)))
            {
                var where = $"{Page} {mode} {agent}";
                var table = section.Tables.FirstOrDefault(t => t.Agent == agent);
                if (table is null) { problems.Add($"{where}: no chapter table, though index.json has the agent"); continue; }
                if (!index.TryGetValue(agent, out var cases)) { problems.Add($"{where}: a chapter table for an agent index.json does not have"); continue; }
                Compare(where, Expected(cases), Shown(where, table, problems), problems);
            }
        }
        return problems;
    }

    /// <summary>Row key ("1", "12/13", "total") -> column -> count, counted from index.json.</summary>
    private static Dictionary<string, Dictionary<string, int>> Expected(IReadOnlyList<IndexedCase> cases)
    {
        var rows = new Dictionary<string, Dictionary<string, int>>();
        foreach (var c in cases)
        {
            foreach (var key in new[] { Chapters.For(CaseId.Parse(c.Id)).Key, "total" })
            {
                var row = rows.TryGetValue(key, out var r) ? r : rows[key] = [];
                foreach (var column in new[] { CasesColumn, "behavior " + c.Behavior, "close behavior " + c.Close })
                {
                    row[column] = row.GetValueOrDefault(column) + 1;
                }
            }
        }
        return rows;
    }

    /// <summary>The same shape, read from the table's cells: the first cell's first word is the row key.</summary>
    private static Dictionary<string, Dictionary<string, int>> Shown(string where, Table table, List<string> problems)
    {
        // The second header row names the verdict columns; the first row's spanning cells say which group each is in.
        var columns = table.Groups.SelectMany(g => Enumerable.Repeat(g.Name, g.Span)).Zip(table.Columns, (g, v) => g + " " + v).Prepend(CasesColumn).ToList();
        var rows = new Dictionary<string, Dictionary<string, int>>();
        foreach (var cells in table.Rows)
        {
            var key = cells[0].Split(' ')[0];
            if (rows.ContainsKey(key)) problems.Add($"{where}: chapter {key} has more than one row");
            var row = rows[key] = [];
            for (var i = 1; i < cells.Length && i - 1 < columns.Count; i++)
            {
                row[columns[i - 1]] = int.TryParse(cells[i], out var n) ? n : -1;
            }
        }
        return rows;
    }

    private static void Compare(string where, Dictionary<string, Dictionary<string, int>> expected, Dictionary<string, Dictionary<string, int>> shown, List<string> problems)
    {
        foreach (var key in expected.Keys.Union(shown.Keys))
        {
            if (!shown.TryGetValue(key, out var s)) { problems.Add($"{where}: no row for chapter {key}, which index.json has"); continue; }
            if (!expected.TryGetValue(key, out var e)) { problems.Add($"{where}: a row for chapter {key}, which index.json does not have"); continue; }
            foreach (var column in e.Keys.Union(s.Keys))
            {
                var want = e.GetValueOrDefault(column);
                if (!s.TryGetValue(column, out var got)) problems.Add($"{where}, chapter {key}: no column for {column} ({want} in index.json)");
                else if (got != want) problems.Add($"{where}, chapter {key}, {column}: the page shows {got}, index.json has {want}");
            }
        }
    }
}
