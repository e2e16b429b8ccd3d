using System.Text.Json;
using Autobahn.Engine.Cases;
using Autobahn.Vocabulary;

namespace Autobahn.Runner;

/// <summary>`cases`: the suite's cases with what each sends and what it expects, from the built-in engine's catalog (same ids as the official suite).</summary>
public static class CasesCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static int Run(IReadOnlyList<string> patterns, SuiteProfile profile, bool json, TextWriter output)
    {
        var selected = CaseCatalog.Select(RunnerOptions.SplitPatterns(patterns, ["*"]), [], profile);
        if (selected.Count == 0)
        {
            Console.Error.WriteLine($"wsconform: no case matches {string.Join(' ', patterns)}");
            return RunnerApp.CannotRun;
        }
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(selected.Select(c => new
            {
                id = c.Id,
                chapter = Chapters.For(CaseId.Parse(c.Id)).Title,
                description = c.Description,
                expectation = c.Expectation,
                timingSensitive = c.TimingSensitive,
            }), Indented));
            return RunnerApp.Passed;
        }
        string? chapter = null;
        foreach (var c in selected)
        {
            var title = Chapters.For(CaseId.Parse(c.Id));
            if (title.Key != chapter)
            {
                chapter = title.Key;
                output.WriteLine($"# {title.Key} {title.Title}");
            }
            output.WriteLine($"{c.Id,-9} {c.Description}");
            output.WriteLine($"{"",-9} expects: {c.Expectation}");
        }
        output.WriteLine($"{selected.Count} cases ({profile.Name()} profile)");
        return RunnerApp.Passed;
    }
}
