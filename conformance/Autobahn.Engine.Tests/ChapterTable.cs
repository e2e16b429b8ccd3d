using Autobahn.Engine.Cases;
using Autobahn.Engine.Engine;

namespace Autobahn.Engine.Tests;

/// <summary>A peer's results as the suite's chapter table: per chapter, how many cases got each verdict.</summary>
public static class ChapterTable
{
    private static readonly string[] Behaviors = [Verdicts.Ok, Verdicts.NonStrict, Verdicts.Informational, Verdicts.Unimplemented, Verdicts.Failed];

    public static string Chapter(CaseResult r) => r.Case.Id[..r.Case.Id.IndexOf('.')];

    public static string Format(string agent, IEnumerable<CaseResult> results)
    {
        var rows = results.GroupBy(Chapter).OrderBy(g => int.Parse(g.Key)).ToList();
        var lines = new List<string> { $"{agent}: chapter table (behavior; close = cases whose close verdict is not OK)" };
        lines.Add($"{"chapter",7} {"cases",5} {string.Join(" ", Behaviors.Select(b => $"{b,13}"))} {"close",5}");
        foreach (var g in rows.Append(results.GroupBy(_ => "all").Single()))
        {
            var counts = Behaviors.Select(b => $"{g.Count(r => r.Behavior == b),13}");
            lines.Add($"{g.Key,7} {g.Count(),5} {string.Join(" ", counts)} {g.Count(r => r.BehaviorClose != Verdicts.Ok),5}");
        }
        return string.Join("\n", lines);
    }
}
