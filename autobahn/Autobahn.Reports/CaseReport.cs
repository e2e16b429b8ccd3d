using System.Text.Json;
using Autobahn.Vocabulary;

namespace Autobahn.Runner.Reports;

/// <summary>The parts of one per-case report file (e.g. ws_node_case_9_1_1.json) the runner shows.</summary>
public sealed record CaseReport(
    string Id,
    string Agent,
    string? Description,
    string? Expectation,
    string? Result,
    string? ResultClose,
    Behavior Behavior,
    CloseBehavior BehaviorClose,
    int? DurationMs,
    DateTimeOffset? Started,
    bool? IsServer,
    int? LocalCloseCode,
    int? RemoteCloseCode,
    bool? WasClean,
    int WireLogEntries)
{
    public static CaseReport Load(string path)
    {
        using var stream = File.OpenRead(path);
        using var doc = JsonDocument.Parse(stream);
        var e = doc.RootElement;
        try
        {
            return new CaseReport(
                Str(e, "id") ?? throw new FormatException("missing 'id'"),
                Str(e, "agent") ?? throw new FormatException("missing 'agent'"),
                Str(e, "description"),
                Str(e, "expectation"),
                Str(e, "result"),
                Str(e, "resultClose"),
                VerdictNames.ParseBehavior(Str(e, "behavior") ?? throw new FormatException("missing 'behavior'")),
                VerdictNames.ParseCloseBehavior(Str(e, "behaviorClose") ?? throw new FormatException("missing 'behaviorClose'")),
                Int(e, "duration"),
                Str(e, "started") is { } s ? DateTimeOffset.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : null,
                Bool(e, "isServer"),
                Int(e, "localCloseCode"),
                Int(e, "remoteCloseCode"),
                Bool(e, "wasClean"),
                e.TryGetProperty("wirelog", out var w) && w.ValueKind == JsonValueKind.Array ? w.GetArrayLength() : 0);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{path}: {ex.Message}", ex);
        }
    }

    private static string? Str(JsonElement e, string name) => JsonFields.Str(e, name);

    private static int? Int(JsonElement e, string name) => JsonFields.Int(e, name);

    private static bool? Bool(JsonElement e, string name) => JsonFields.Bool(e, name);
}
