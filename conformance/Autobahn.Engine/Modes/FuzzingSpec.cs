using System.Text.Json.Nodes;

namespace Autobahn.Engine.Modes;

/// <summary>The official fuzzingclient.json / fuzzingserver.json content (the parts this engine honours).</summary>
public sealed record FuzzingSpec
{
    public string OutDir { get; init; } = "./reports/servers";
    public string? Url { get; init; }
    public List<ServerSpec> Servers { get; init; } = [];
    public List<string> Cases { get; init; } = ["*"];
    public List<string> ExcludeCases { get; init; } = [];
    /// <summary>Agent name pattern -> case patterns to skip for agents matching it.</summary>
    public Dictionary<string, List<string>> ExcludeAgentCases { get; init; } = [];
    public JsonObject Options { get; init; } = [];
    /// <summary>How many cases may run at once (our extension; timing-sensitive cases always run alone, bulk ones two per core: <see cref="CaseSchedule"/>).</summary>
    public int Parallel { get; init; } = 16;
    /// <summary>The rule book (our extension, "profile": "autobahn" or "rfc"; see docs/profiles.md).</summary>
    public Autobahn.Engine.Cases.SuiteProfile Profile { get; init; }

    public static FuzzingSpec Parse(string json)
    {
        var root = JsonNode.Parse(json, documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true })?.AsObject()
                   ?? throw new InvalidDataException("spec is not a JSON object");
        static List<string> Strings(JsonNode? n) => n is JsonArray a ? a.Select(x => x!.GetValue<string>()).ToList() : [];
        var spec = new FuzzingSpec
        {
            OutDir = root["outdir"]?.GetValue<string>() ?? "./reports/servers",
            Url = root["url"]?.GetValue<string>(),
            Cases = root["cases"] is null ? ["*"] : Strings(root["cases"]),
            ExcludeCases = Strings(root["exclude-cases"]),
            Options = root["options"]?.AsObject().DeepClone().AsObject() ?? [],
            Parallel = root["parallel"]?.GetValue<int>() ?? 16,
            Profile = Autobahn.Engine.Cases.SuiteProfiles.Parse(root["profile"]?.GetValue<string>()),
        };
        if (root["exclude-agent-cases"] is JsonObject eac)
            foreach (var (agent, list) in eac) spec.ExcludeAgentCases[agent] = Strings(list);
        if (root["servers"] is JsonArray servers)
            foreach (var s in servers.OfType<JsonObject>())
                spec.Servers.Add(new ServerSpec(
                    s["agent"]?.GetValue<string>(),
                    s["url"]?.GetValue<string>() ?? throw new InvalidDataException("a server entry has no url"),
                    s["options"]?.AsObject().DeepClone().AsObject() ?? []));
        return spec;
    }

    /// <summary>True when the spec excludes <paramref name="caseId"/> for <paramref name="agent"/>.</summary>
    public bool ExcludedFor(string agent, string caseId) =>
        ExcludeAgentCases.Any(p => Cases_.Matches(p.Key, agent) && p.Value.Any(c => Cases_.Matches(c, caseId)));

    private static class Cases_
    {
        public static bool Matches(string pattern, string value) => Autobahn.Engine.Cases.CaseCatalog.Matches(pattern, value);
    }
}

public sealed record ServerSpec(string? Agent, string Url, JsonObject Options);
