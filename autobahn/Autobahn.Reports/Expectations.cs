using System.Text.Json;
using System.Text.Json.Nodes;
using Autobahn.Vocabulary;

namespace Autobahn.Runner.Reports;

/// <summary>A case's pair of verdicts, as a baseline records it.</summary>
public sealed record CaseVerdict(Behavior Behavior, CloseBehavior BehaviorClose)
{
    public static CaseVerdict Of(CaseResult c) => new(c.Behavior, c.BehaviorClose);

    public override string ToString() => $"{Behavior.Name()}/{BehaviorClose.Name()}";
}

/// <summary>
/// Golden mode: the verdicts an agent is known to get, saved once and compared with each later run, so that a
/// project with known non-OK cases can still fail CI on any change (a new failure, but also an unexpected fix,
/// which means the baseline must be updated).
/// </summary>
public sealed class Expectations
{
    public const string Format = "wsconform-expectations/1";

    public Expectations(string agent, string mode, string profile, IReadOnlyDictionary<string, CaseVerdict> cases)
    {
        Agent = agent;
        Mode = mode;
        Profile = profile;
        Cases = cases;
    }

    public string Agent { get; }

    public string Mode { get; }

    public string Profile { get; }

    public IReadOnlyDictionary<string, CaseVerdict> Cases { get; }

    public static Expectations From(AgentReport report, string mode, string profile) =>
        new(report.Agent, mode, profile, report.Cases.ToDictionary(c => c.Id.Text, CaseVerdict.Of));

    public void Save(string path)
    {
        var cases = new JsonObject();
        foreach (var id in Cases.Keys.Select(CaseId.Parse).Order())
        {
            var v = Cases[id.Text];
            cases[id.Text] = new JsonObject { ["behavior"] = v.Behavior.Name(), ["behaviorClose"] = v.BehaviorClose.Name() };
        }
        var root = new JsonObject { ["format"] = Format, ["agent"] = Agent, ["mode"] = Mode, ["profile"] = Profile, ["cases"] = cases };
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    public static Expectations Load(string path)
    {
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new FormatException("not a JSON object");
            var format = (string?)root["format"];
            if (format != Format) throw new FormatException($"format is '{format}', expected '{Format}'");
            var cases = new Dictionary<string, CaseVerdict>();
            foreach (var (id, v) in root["cases"]?.AsObject() ?? throw new FormatException("missing 'cases'"))
            {
                CaseId.Parse(id);
                cases[id] = new CaseVerdict(
                    VerdictNames.ParseBehavior((string?)v?["behavior"] ?? throw new FormatException($"case {id}: missing 'behavior'")),
                    VerdictNames.ParseCloseBehavior((string?)v?["behaviorClose"] ?? throw new FormatException($"case {id}: missing 'behaviorClose'")));
            }
            return new Expectations((string?)root["agent"] ?? "", (string?)root["mode"] ?? "", (string?)root["profile"] ?? "", cases);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
        {
            throw new FormatException($"{path}: not a {Format} file: {ex.Message}", ex);
        }
    }

    /// <summary>Every difference between this baseline and <paramref name="report"/>, failing ones judged by <paramref name="policy"/>.</summary>
    public ExpectationComparison Compare(AgentReport report, VerdictPolicy policy)
    {
        List<VerdictChange> regressions = [], fixes = [], changes = [], added = [];
        var run = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in report.Cases)
        {
            run.Add(c.Id.Text);
            var now = CaseVerdict.Of(c);
            if (!Cases.TryGetValue(c.Id.Text, out var before))
            {
                added.Add(new VerdictChange(c.Id.Text, null, now));
                continue;
            }
            if (before == now) continue;
            var failedBefore = policy.Reason(c with { Behavior = before.Behavior, BehaviorClose = before.BehaviorClose }) is not null;
            var failsNow = policy.Reason(c) is not null;
            var change = new VerdictChange(c.Id.Text, before, now);
            (failsNow && !failedBefore ? regressions : failedBefore && !failsNow ? fixes : changes).Add(change);
        }
        var notRun = Cases.Keys.Where(id => !run.Contains(id)).Select(CaseId.Parse).Order().Select(id => id.Text).ToList();
        return new ExpectationComparison(regressions, fixes, changes, added, notRun);
    }
}

/// <param name="Before">Null for a case the baseline does not have.</param>
public sealed record VerdictChange(string CaseId, CaseVerdict? Before, CaseVerdict After)
{
    public override string ToString() => $"{CaseId}: {Before?.ToString() ?? "not in the baseline"} -> {After}";
}

/// <summary>
/// A run against its baseline. Any change fails: regressions, unexpected fixes (update the baseline), other
/// verdict changes and cases the baseline lacks. Baseline cases the run skipped (filters, shards) are only counted.
/// </summary>
public sealed record ExpectationComparison(
    IReadOnlyList<VerdictChange> Regressions,
    IReadOnlyList<VerdictChange> Fixes,
    IReadOnlyList<VerdictChange> Changes,
    IReadOnlyList<VerdictChange> New,
    IReadOnlyList<string> NotRun)
{
    public bool Passed => Regressions.Count == 0 && Fixes.Count == 0 && Changes.Count == 0 && New.Count == 0;

    /// <summary>Each kind of change with a heading word, in the order they matter.</summary>
    public IEnumerable<(string Kind, IReadOnlyList<VerdictChange> Items)> Groups()
    {
        yield return ("regression", Regressions);
        yield return ("unexpected fix (update the baseline)", Fixes);
        yield return ("changed", Changes);
        yield return ("not in the baseline", New);
    }
}
