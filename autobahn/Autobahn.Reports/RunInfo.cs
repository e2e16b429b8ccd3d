using System.Text.Json;
using System.Text.Json.Nodes;
using Autobahn.Vocabulary;

namespace Autobahn.Runner.Reports;

/// <summary>
/// What produced an agent's latest report: the suite's index.json does not say, so the runner keeps it beside
/// index.json in runs.json (agent -> run info).
/// </summary>
/// <param name="Profile">The rule book the verdicts follow (autobahn or rfc); null in reports written before profiles existed.</param>
/// <param name="Shard">"i/n" when the run was one shard of the selection.</param>
/// <param name="Transport">What the WebSockets went over: "http/1.1", "h2c" or "h2" (RFC 8441); null in reports written before HTTP/2 runs existed (HTTP/1.1).</param>
public sealed record RunInfo(string Agent, string Engine, string? Image, DateTimeOffset Date, string? Target, string? Profile = null, string? Shard = null, string? Transport = null)
{
    public const string FileName = "runs.json";

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static IReadOnlyDictionary<string, RunInfo> LoadAll(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return new Dictionary<string, RunInfo>();
        return JsonSerializer.Deserialize<Dictionary<string, RunInfo>>(File.ReadAllText(path), Options)
            ?? new Dictionary<string, RunInfo>();
    }

    /// <summary>Records this run, keeping the entries of other agents.</summary>
    public void Save(string directory)
    {
        var all = new Dictionary<string, RunInfo>(LoadAll(directory)) { [Agent] = this };
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(all, Options));
    }
}

/// <summary>
/// The suite rewrites index.json with only the agents of its own run; reports/ keeps the latest run of every
/// agent, so the runner puts the other agents' entries back afterwards.
/// </summary>
public static class IndexMerge
{
    public static string? ReadBefore(string directory)
    {
        var path = Path.Combine(directory, ReportFileNames.IndexJson);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    /// <summary>Adds to the fresh index.json every agent of <paramref name="before"/> it does not have.</summary>
    public static void KeepOtherAgents(string directory, string? before)
    {
        if (before is null) return;
        var path = Path.Combine(directory, ReportFileNames.IndexJson);
        if (!File.Exists(path)) return;
        var latest = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new FormatException($"{path} is not an object");
        var previous = JsonNode.Parse(before)?.AsObject();
        if (previous is null) return;
        var changed = false;
        foreach (var (agent, cases) in previous)
        {
            if (latest.ContainsKey(agent)) continue;
            latest[agent] = cases?.DeepClone();
            changed = true;
        }
        if (changed) File.WriteAllText(path, latest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
