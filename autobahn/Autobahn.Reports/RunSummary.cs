using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Autobahn.Vocabulary;

namespace Autobahn.Runner.Reports;

/// <summary>One chapter's (or a whole mode's) case count and the count of each verdict word.</summary>
/// <param name="Close">Null (and left out of the JSON) for the RFC 8441 chapter, whose cases have one verdict, counted in <paramref name="Behavior"/>.</param>
public sealed record SummaryCounts(int Cases, IReadOnlyDictionary<string, int> Behavior,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, int>? Close)
{
    internal static SummaryCounts From(VerdictCounts counts, bool countsClose = true) => new(
        counts.Total,
        VerdictNames.AllBehaviors.ToDictionary(b => b.Name(), b => counts[b]),
        countsClose ? VerdictNames.AllCloseBehaviors.ToDictionary(b => b.Name(), b => counts[b]) : null);
}

/// <summary>A chapter row of a mode's summary.</summary>
public sealed record SummaryChapter(string Chapter, string Title, SummaryCounts Counts);

/// <summary>One agent's latest run in one mode ("servers" or "clients").</summary>
public sealed record SummaryMode(string Mode, string Agent, string? Engine, string? Profile, DateTimeOffset? RunDate,
    SummaryCounts Counts, IReadOnlyList<SummaryChapter> Chapters);

/// <summary>A section row of an RFC 8441 run's summary ("h2-3", as the case ids begin).</summary>
public sealed record SummarySection(string Section, string Title, SummaryCounts Counts);

/// <summary>One agent's run of the RFC 8441 chapter (reports/rfc8441): its cases by verdict, overall and per section.</summary>
public sealed record SummaryRfc8441(string Agent, string Target, DateTimeOffset? RunDate, SummaryCounts Counts, IReadOnlyList<SummarySection> Sections);

/// <summary>
/// The small summary of a reports folder that is kept in git (reports/summary.json) while the reports themselves are
/// published from CI: per mode and agent, the case count and the count of each verdict, overall and per chapter, and
/// the commit and tool version that produced it; and, when the folder has reports/rfc8441, each RFC 8441 run's counts
/// (the "rfc8441" list, left out when there is none, so a summary of the modes alone is as before).
/// <see cref="Check"/> says where a summary contradicts itself.
/// </summary>
public sealed partial record RunSummary(string Commit, string ToolVersion, DateTimeOffset Date, IReadOnlyList<SummaryMode> Modes,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<SummaryRfc8441>? Rfc8441 = null)
{
    public const string Format = "wsconform-summary/1";

    // Relaxed escaping: the file is read by people in diffs too ("+00:00", not "\u002B00:00").
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Summarises every agent of reports/servers, reports/clients and reports/rfc8441.</summary>
    /// <exception cref="InvalidOperationException">The folder holds no index.json in any of them.</exception>
    /// <exception cref="FormatException">reports/rfc8441/index.json is not that report's index.</exception>
    public static RunSummary Build(string reportsDirectory, string commit, string toolVersion, DateTimeOffset date)
    {
        var modes = new List<SummaryMode>();
        foreach (var (folder, _) in IndexPage.Modes)
        {
            var dir = Path.Combine(reportsDirectory, folder);
            if (!File.Exists(Path.Combine(dir, ReportFileNames.IndexJson))) continue;
            var infos = RunInfo.LoadAll(dir);
            foreach (var agent in SuiteIndex.Load(dir).Agents)
            {
                var table = ChapterTable.Build(agent.Cases);
                var info = infos.GetValueOrDefault(agent.Agent);
                modes.Add(new SummaryMode(folder, agent.Agent, info?.Engine, info?.Profile, info?.Date, SummaryCounts.From(table.Total),
                    [.. table.Rows.Select(r => new SummaryChapter(r.Chapter.Key, r.Chapter.Title, SummaryCounts.From(r.Counts)))]));
            }
        }
        var http2 = Rfc8441Report.Load(reportsDirectory).Select(run =>
        {
            var table = ChapterTable.Build(run.Cases);
            return new SummaryRfc8441(run.Agent, run.Target, run.StartedAt, SummaryCounts.From(table.Total, countsClose: false),
                [.. table.Rows.Select(r => new SummarySection(r.Chapter.Key, r.Chapter.Title, SummaryCounts.From(r.Counts, countsClose: false)))]);
        }).ToList();
        if (modes.Count == 0 && http2.Count == 0)
        {
            throw new InvalidOperationException(
                $"no {ReportFileNames.IndexJson} under {Path.Combine(reportsDirectory, "servers")}, {Path.Combine(reportsDirectory, "clients")} or {Path.Combine(reportsDirectory, Rfc8441Report.Folder)}");
        }
        return new RunSummary(commit, toolVersion, date, modes, http2.Count > 0 ? http2 : null);
    }

    public string ToJson()
    {
        var root = new JsonObject { ["format"] = Format };
        foreach (var (name, value) in JsonSerializer.SerializeToNode(this, Options)!.AsObject().ToList())
            root[name] = value?.DeepClone();
        return root.ToJsonString(Options) + "\n";
    }

    /// <exception cref="FormatException">Not a summary of this format.</exception>
    public static RunSummary Parse(string json)
    {
        var node = JsonNode.Parse(json) as JsonObject ?? throw new FormatException("a summary is a JSON object");
        if ((string?)node["format"] != Format) throw new FormatException($"the summary's format is not {Format}");
        try
        {
            return JsonSerializer.Deserialize<RunSummary>(json, Options) ?? throw new FormatException("empty summary");
        }
        catch (JsonException e)
        {
            throw new FormatException("the summary does not parse: " + e.Message, e);
        }
    }

    public static RunSummary Load(string path) => Parse(File.ReadAllText(path));

    public void Save(string path)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir) Directory.CreateDirectory(dir);
        File.WriteAllText(path, ToJson());
    }

    /// <summary>
    /// Where the summary contradicts itself or the suite's vocabulary: a commit or version that is not one, a mode
    /// other than servers/clients or listed twice for an agent, a verdict word the suite does not have, counts that do
    /// not add up to the case total (overall, per chapter, and chapters to the mode), a chapter the suite does not have
    /// or with another title; the same for the RFC 8441 runs (an agent listed twice, its sections, no close counts).
    /// Empty when consistent.
    /// </summary>
    public IReadOnlyList<string> Check()
    {
        var problems = new List<string>();
        if (Commit is null || !CommitPattern().IsMatch(Commit)) problems.Add($"commit '{Commit}' is not a git commit id");
        if (ToolVersion is null || !VersionPattern().IsMatch(ToolVersion)) problems.Add($"tool version '{ToolVersion}' is not a version");
        if ((Modes is null || Modes.Count == 0) && (Rfc8441 is null || Rfc8441.Count == 0))
        {
            problems.Add("no modes");
            return problems;
        }
        CheckRfc8441(problems);
        var seen = new HashSet<(string, string)>();
        foreach (var m in Modes ?? [])
        {
            var where = $"{m.Mode}/{m.Agent}";
            if (m.Mode is not ("servers" or "clients")) problems.Add($"{where}: mode '{m.Mode}' is neither servers nor clients");
            if (!seen.Add((m.Mode, m.Agent))) problems.Add($"{where}: listed twice");
            CheckCounts(where, m.Counts, problems);
            if (m.Chapters is null || m.Chapters.Count == 0)
            {
                problems.Add($"{where}: no chapters");
                continue;
            }
            var keys = new HashSet<string>();
            foreach (var c in m.Chapters)
            {
                var chapter = Chapters.All.FirstOrDefault(k => k.Key == c.Chapter);
                if (chapter is null) problems.Add($"{where}: chapter '{c.Chapter}' is not a chapter of the suite");
                else if (chapter.Title != c.Title) problems.Add($"{where}: chapter {c.Chapter} is '{chapter.Title}', not '{c.Title}'");
                if (!keys.Add(c.Chapter)) problems.Add($"{where}: chapter {c.Chapter} listed twice");
                CheckCounts($"{where} chapter {c.Chapter}", c.Counts, problems);
            }
            var chapterCases = m.Chapters.Sum(c => c.Counts.Cases);
            if (chapterCases != m.Counts.Cases) problems.Add($"{where}: the chapters hold {chapterCases} cases, the total says {m.Counts.Cases}");
            foreach (var (kind, pick) in new (string, Func<SummaryCounts, IReadOnlyDictionary<string, int>?>)[] { ("behavior", c => c.Behavior), ("close", c => c.Close) })
            {
                foreach (var (word, count) in pick(m.Counts) ?? new Dictionary<string, int>())
                {
                    var sum = m.Chapters.Sum(c => pick(c.Counts)?.GetValueOrDefault(word) ?? 0);
                    if (sum != count) problems.Add($"{where}: {kind} {word} is {count.ToString(CultureInfo.InvariantCulture)} in total but {sum.ToString(CultureInfo.InvariantCulture)} over the chapters");
                }
            }
        }
        return problems;
    }

    private void CheckRfc8441(List<string> problems)
    {
        var agents = new HashSet<string>(StringComparer.Ordinal);
        foreach (var run in Rfc8441 ?? [])
        {
            var where = $"{Rfc8441Report.Folder}/{run.Agent}";
            if (!agents.Add(run.Agent)) problems.Add($"{where}: listed twice");
            CheckCounts(where, run.Counts, problems, countsClose: false);
            if (run.Sections is null || run.Sections.Count == 0)
            {
                problems.Add($"{where}: no sections");
                continue;
            }
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var s in run.Sections)
            {
                var section = Rfc8441Report.Sections.FirstOrDefault(k => k.Key == s.Section);
                if (section is null) problems.Add($"{where}: section '{s.Section}' is not a section of the RFC 8441 chapter");
                else if (section.Title != s.Title) problems.Add($"{where}: section {s.Section} is '{section.Title}', not '{s.Title}'");
                if (!keys.Add(s.Section)) problems.Add($"{where}: section {s.Section} listed twice");
                CheckCounts($"{where} section {s.Section}", s.Counts, problems, countsClose: false);
            }
            var sectionCases = run.Sections.Sum(s => s.Counts?.Cases ?? 0);
            if (run.Counts is not null && sectionCases != run.Counts.Cases) problems.Add($"{where}: the sections hold {sectionCases} cases, the total says {run.Counts.Cases}");
            foreach (var (word, count) in run.Counts?.Behavior ?? new Dictionary<string, int>())
            {
                var sum = run.Sections.Sum(s => s.Counts?.Behavior?.GetValueOrDefault(word) ?? 0);
                if (sum != count) problems.Add($"{where}: behavior {word} is {count.ToString(CultureInfo.InvariantCulture)} in total but {sum.ToString(CultureInfo.InvariantCulture)} over the sections");
            }
        }
    }

    /// <param name="countsClose">False for the RFC 8441 chapter: one verdict per case, so no close counts may be there.</param>
    private static void CheckCounts(string where, SummaryCounts? counts, List<string> problems, bool countsClose = true)
    {
        if (counts is null)
        {
            problems.Add($"{where}: no counts");
            return;
        }
        if (counts.Cases <= 0) problems.Add($"{where}: {counts.Cases} cases");
        Check(where, "behavior", counts.Cases, counts.Behavior, VerdictNames.AllBehaviors.Select(b => b.Name()), problems);
        if (countsClose) Check(where, "close", counts.Cases, counts.Close, VerdictNames.AllCloseBehaviors.Select(b => b.Name()), problems);
        else if (counts.Close is not null) problems.Add($"{where}: close counts, but an RFC 8441 case has only one verdict");
    }

    private static void Check(string where, string kind, int cases, IReadOnlyDictionary<string, int>? counts, IEnumerable<string> words, List<string> problems)
    {
        if (counts is null)
        {
            problems.Add($"{where}: no {kind} counts");
            return;
        }
        var known = words.ToHashSet();
        foreach (var (word, n) in counts)
        {
            if (!known.Contains(word)) problems.Add($"{where}: '{word}' is not a {kind} verdict of the suite");
            if (n < 0) problems.Add($"{where}: {kind} {word} is negative");
        }
        var sum = counts.Values.Sum();
        if (sum != cases) problems.Add($"{where}: the {kind} verdicts add up to {sum}, not to its {cases} cases");
    }

    [GeneratedRegex("^[0-9a-f]{7,40}(-dirty)?$")]
    private static partial Regex CommitPattern();

    [GeneratedRegex(@"^\d+\.\d+\.\d+([-.][0-9A-Za-z.-]+)?$")]
    private static partial Regex VersionPattern();
}
