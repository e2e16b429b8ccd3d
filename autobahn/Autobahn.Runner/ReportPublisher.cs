using Autobahn.Engine.Cases;
using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;
using Microsoft.Extensions.Logging;

namespace Autobahn.Runner;

/// <summary>After a run: keep other agents in index.json, record the run, print the chapter table, judge it.</summary>
public static class ReportPublisher
{
    /// <summary>The chapter table and the verdict, on stdout: the run's result, not a log line.</summary>
    public static void Print(TextWriter output, string title, AgentReport report, Verdict verdict) =>
        Print(output, title, ChapterTable.Build(report.Cases), [.. verdict.Failures.Select(f => (f.Case.Id.Text, f.Reason))]);

    /// <summary>The same for any table (a mode's chapters, or the RFC 8441 chapter's sections) and its failing cases.</summary>
    public static void Print(TextWriter output, string title, ChapterTable table, IReadOnlyList<(string Id, string Reason)> failures)
    {
        output.WriteLine();
        output.WriteLine(title);
        output.Write(table.Format());
        output.WriteLine(failures.Count == 0
            ? "verdict: passed"
            : $"verdict: FAILED ({failures.Count} cases; first: {failures[0].Id} {failures[0].Reason})");
        output.WriteLine();
    }

    public static RunOutcome Publish(string folder, string outdir, string agent, ISuiteEngine engine, string? target, RunnerOptions o, VerdictPolicy policy, string? indexBefore, ILogger log)
    {
        IndexMerge.KeepOtherAgents(outdir, indexBefore);
        if (!File.Exists(Path.Combine(outdir, ReportFileNames.IndexJson)))
        {
            throw new RunnerException($"the suite wrote no {ReportFileNames.IndexJson} into {outdir}");
        }
        var index = SuiteIndex.Load(outdir);
        var report = index.Agents.FirstOrDefault(a => a.Agent == agent)
            ?? throw new RunnerException($"{Path.Combine(outdir, ReportFileNames.IndexJson)} has no results for agent '{agent}'");
        var info = new RunInfo(agent, engine.Name, engine.Image, DateTimeOffset.UtcNow, target, o.Profile.Name(),
            o.Shard is { } s ? $"{s.Index}/{s.Count}" : null, o.Transport);
        info.Save(outdir);
        var outcome = new RunOutcome(folder, report, policy.Evaluate(report), policy, info);
        RunOutputs.Explain(outcome, Console.Out, log);
        return outcome;
    }
}
