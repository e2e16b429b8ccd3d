using System.Text.Json;
using Autobahn.Vocabulary;

namespace Autobahn.Runner.Reports;

/// <summary>The suite's outdir/index.json: agent -> case id -> verdicts, duration, close code and report file.</summary>
public sealed class SuiteIndex
{
    private SuiteIndex(string directory, IReadOnlyList<AgentReport> agents)
    {
        Directory = directory;
        Agents = agents;
    }

    public string Directory { get; }

    public IReadOnlyList<AgentReport> Agents { get; }

    public AgentReport this[string agent] =>
        Agents.FirstOrDefault(a => a.Agent == agent)
        ?? throw new KeyNotFoundException($"agent '{agent}' is not in {Path.Combine(Directory, ReportFileNames.IndexJson)}");

    /// <summary>Reads index.json from the suite's output folder.</summary>
    public static SuiteIndex Load(string directory)
    {
        var path = Path.Combine(directory, ReportFileNames.IndexJson);
        using var stream = File.OpenRead(path);
        using var doc = JsonDocument.Parse(stream);
        return Parse(directory, doc.RootElement, path);
    }

    public static SuiteIndex Parse(string directory, JsonElement root, string source = ReportFileNames.IndexJson)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{source}: expected an object keyed by agent");
        }
        var agents = new List<AgentReport>();
        foreach (var agent in root.EnumerateObject())
        {
            var cases = new List<CaseResult>();
            foreach (var c in agent.Value.EnumerateObject())
            {
                cases.Add(ParseCase(c.Name, c.Value, source));
            }
            cases.Sort((a, b) => a.Id.CompareTo(b.Id));
            agents.Add(new AgentReport(agent.Name, directory, cases));
        }
        return new SuiteIndex(directory, agents);
    }

    private static CaseResult ParseCase(string id, JsonElement e, string source)
    {
        try
        {
            return new CaseResult(
                CaseId.Parse(id),
                VerdictNames.ParseBehavior(RequiredString(e, "behavior")),
                VerdictNames.ParseCloseBehavior(RequiredString(e, "behaviorClose")),
                OptionalInt(e, "duration"),
                OptionalInt(e, "remoteCloseCode"),
                RequiredString(e, "reportfile"));
        }
        catch (Exception ex) when (ex is FormatException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"{source}: case {id}: {ex.Message}", ex);
        }
    }

    private static string RequiredString(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new FormatException($"missing string field '{name}'");

    private static int? OptionalInt(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
}
