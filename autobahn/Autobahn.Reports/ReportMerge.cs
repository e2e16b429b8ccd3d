using System.Text.Json;
using System.Text.Json.Nodes;
using Autobahn.Vocabulary;

namespace Autobahn.Runner.Reports;

/// <summary>
/// Joins reports folders written by separate runs (CI shards, or one machine per mode) into one, as if a single
/// run had written it: per mode folder, the union of every agent's cases, their files, runs.json, index pages; and in
/// rfc8441/ the union of every agent's RFC 8441 cases by the same rules.
/// </summary>
public static class ReportMerge
{
    /// <exception cref="InvalidDataException">A case appears in two inputs with different verdicts.</exception>
    /// <exception cref="FormatException">An input's rfc8441/index.json is not that report's index.</exception>
    public static void Merge(IReadOnlyList<string> reportDirs, string outDir)
    {
        foreach (var (folder, title) in IndexPage.Modes)
        {
            var inputs = reportDirs.Select(d => Path.Combine(d, folder)).Where(d => File.Exists(Path.Combine(d, ReportFileNames.IndexJson))).ToList();
            if (inputs.Count == 0) continue;
            var target = Path.Combine(outDir, folder);
            Directory.CreateDirectory(target);
            MergeIndex(inputs, target);
            MergeRuns(inputs, target);
            File.WriteAllText(Path.Combine(target, ReportFileNames.IndexHtml), ModeIndexPage.Render(SuiteIndex.Load(target), title));
        }
        MergeRfc8441(reportDirs, outDir);
        IndexPage.Write(outDir, DateTimeOffset.UtcNow);
    }

    /// <summary>
    /// reports/rfc8441 of every input: per agent the union of its cases (in the chapter's order), a case in two inputs
    /// with the same verdict kept once, with different ones refused as in the modes; the agent's target and start
    /// time are those of its latest run, as runs.json keeps the latest run of a mode's agent.
    /// </summary>
    private static void MergeRfc8441(IReadOnlyList<string> reportDirs, string outDir)
    {
        var agents = new Dictionary<string, (Rfc8441AgentRun Latest, Dictionary<string, (Rfc8441CaseRow Row, string From)> Cases)>(StringComparer.Ordinal);
        foreach (var dir in reportDirs)
        {
            var from = Path.Combine(dir, Rfc8441Report.Folder);
            foreach (var run in Rfc8441Report.Load(dir))
            {
                if (!agents.TryGetValue(run.Agent, out var merged))
                {
                    merged = (run, new(StringComparer.Ordinal));
                }
                else if (run.StartedAt > merged.Latest.StartedAt)
                {
                    merged.Latest = run;
                }
                agents[run.Agent] = merged;
                foreach (var c in run.Cases)
                {
                    if (merged.Cases.TryGetValue(c.Id, out var seen))
                    {
                        if (seen.Row.Verdict != c.Verdict)
                            throw new InvalidDataException($"agent {run.Agent} case {c.Id}: {seen.Row.Verdict} in {seen.From} but {c.Verdict} in {from}");
                        continue;
                    }
                    merged.Cases[c.Id] = (c, from);
                }
            }
        }
        if (agents.Count == 0) return;
        Rfc8441Report.Save(outDir,
            [.. agents.Values.Select(a => a.Latest with { Cases = [.. a.Cases.Values.Select(v => v.Row).OrderBy(c => c.Id, Rfc8441Report.CaseOrder)] })],
            DateTimeOffset.UtcNow);
    }

    private static void MergeIndex(IReadOnlyList<string> inputs, string target)
    {
        // agent -> case id -> (entry, the input folder it came from)
        var agents = new Dictionary<string, Dictionary<string, (JsonNode Entry, string From)>>(StringComparer.Ordinal);
        var agentOrder = new List<string>();
        foreach (var input in inputs)
        {
            var path = Path.Combine(input, ReportFileNames.IndexJson);
            var root = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidDataException($"{path} is not an object");
            foreach (var (agent, cases) in root)
            {
                if (!agents.TryGetValue(agent, out var merged))
                {
                    agents[agent] = merged = new(StringComparer.Ordinal);
                    agentOrder.Add(agent);
                }
                foreach (var (id, entry) in cases?.AsObject() ?? throw new InvalidDataException($"{path}: agent {agent} has no cases"))
                {
                    if (entry is null) continue;
                    if (merged.TryGetValue(id, out var seen))
                    {
                        if (Verdicts(seen.Entry) != Verdicts(entry))
                        {
                            throw new InvalidDataException(
                                $"agent {agent} case {id}: {Verdicts(seen.Entry)} in {seen.From} but {Verdicts(entry)} in {input}");
                        }
                        continue;
                    }
                    merged[id] = (entry.DeepClone(), input);
                    CopyCaseFiles(input, target, (string?)entry["reportfile"]);
                }
            }
        }
        var index = new JsonObject();
        foreach (var agent in agentOrder)
        {
            var cases = new JsonObject();
            foreach (var id in agents[agent].Keys.Select(CaseId.Parse).Order()) cases[id.Text] = agents[agent][id.Text].Entry;
            index[agent] = cases;
        }
        File.WriteAllText(Path.Combine(target, ReportFileNames.IndexJson), index.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static string Verdicts(JsonNode entry) => $"{(string?)entry["behavior"]}/{(string?)entry["behaviorClose"]}";

    private static void CopyCaseFiles(string from, string to, string? reportFile)
    {
        if (string.IsNullOrEmpty(reportFile) || Path.GetFileName(reportFile) != reportFile) return;
        foreach (var name in new[] { reportFile, Path.ChangeExtension(reportFile, ".html") })
        {
            var source = Path.Combine(from, name);
            if (File.Exists(source)) File.Copy(source, Path.Combine(to, name), overwrite: true);
        }
    }

    /// <summary>runs.json of every input, the latest run kept when two inputs know the same agent; the merged report is no longer one shard.</summary>
    private static void MergeRuns(IReadOnlyList<string> inputs, string target)
    {
        var all = new Dictionary<string, RunInfo>(StringComparer.Ordinal);
        foreach (var run in inputs.SelectMany(i => RunInfo.LoadAll(i).Values))
        {
            if (!all.TryGetValue(run.Agent, out var known) || run.Date > known.Date) all[run.Agent] = run;
        }
        foreach (var run in all.Values) (run with { Shard = null }).Save(target);
    }
}
