using Autobahn.Engine.Cases;
using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;
using Microsoft.Extensions.Logging;

namespace Autobahn.Runner;

/// <summary>After a run: keep other agents in index.json, record the run, print the chapter table, judge it.</summary>
public static class ReportPublisher
{
    /// <summary>The chapter table and the verdict, on stdout: the run's result, not a log line.</summary>
    public static void Print(TextWriter output, string title, AgentReport report, Verdict verdict)
    {
        output.WriteLine();
        output.WriteLine(title);
        output.Write(ChapterTable.Build(report.Cases).Format());
        output.WriteLine(verdict.Passed
            ? "verdict: passed"
            : $"verdict: FAILED ({verdict.Failures.Count} cases; first: {verdict.Failures[0].Case.Id} {verdict.Failures[0].Reason})");
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
