using Autobahn.Engine.Engine;
using Autobahn.Vocabulary;

namespace Autobahn.Engine.Tests;

/// <summary>A peer's results as the suite's chapter table: per chapter, how many cases got each verdict.</summary>
public static class ChapterTable
{
    public static string Format(string agent, IEnumerable<CaseResult> results)
    {
        var behaviors = VerdictNames.AllBehaviors.Select(b => b.Name()).ToList();
        var all = results.OrderBy(r => r.Case.Id, CaseId.SuiteOrder).ToList();
        // Sorted first, so the rows come in the suite's chapter order.
        var rows = all.GroupBy(r => Chapters.For(CaseId.Parse(r.Case.Id)).Key).ToList();
        var lines = new List<string> { $"{agent}: chapter table (behavior; close = cases whose close verdict is not OK)" };
        lines.Add($"{"chapter",7} {"cases",5} {string.Join(" ", behaviors.Select(b => $"{b,13}"))} {"close",5}");
        foreach (var g in rows.Append(all.GroupBy(_ => "all").Single()))
        {
            var counts = behaviors.Select(b => $"{g.Count(r => r.Behavior == b),13}");
            lines.Add($"{g.Key,7} {g.Count(),5} {string.Join(" ", counts)} {g.Count(r => r.BehaviorClose != VerdictWords.Ok),5}");
        }
        return string.Join("\n", lines);
    }
}
