using System.Text.Json.Nodes;

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
}
