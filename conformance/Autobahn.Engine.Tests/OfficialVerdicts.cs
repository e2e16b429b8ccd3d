using System.Text.Json.Nodes;
using Autobahn.Engine.Engine;

namespace Autobahn.Engine.Tests;

/// <summary>The official suite's verdicts (behavior, behaviorClose) per case id, read from one of its index.json files.</summary>
public static class OfficialVerdicts
{
    public static Dictionary<string, (string Behavior, string Close)> Load(string file, string agent = "ws-node")
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "official-node-ws", file)))!;
        return root[agent]!.AsObject().ToDictionary(p => p.Key,
            p => (p.Value!["behavior"]!.GetValue<string>(), p.Value!["behaviorClose"]!.GetValue<string>()));
    }

    /// <summary>One line per case where our verdicts differ from the official ones.</summary>
    public static List<string> Disagreements(IEnumerable<CaseResult> results, Dictionary<string, (string Behavior, string Close)> official) =>
        results.Where(r => official[r.Case.Id] != (r.Behavior, r.BehaviorClose))
            .Select(r => $"{r.Case.Id}: ours {r.Behavior}/{r.BehaviorClose}, official {official[r.Case.Id].Behavior}/{official[r.Case.Id].Close} " +
                         $"({r.Result}; {r.ResultClose}{(r.WasNotCleanReason is { } why ? $"; not clean: {why}" : "")}; {r.DurationMs} ms)")
            .ToList();
}
