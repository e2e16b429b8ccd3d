using Autobahn.Runner.Reports;
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

    public static Verdict Publish(string outdir, string agent, ISuiteEngine engine, string? target, VerdictPolicy policy, string? indexBefore, ILogger log)
    {
        IndexMerge.KeepOtherAgents(outdir, indexBefore);
        if (!File.Exists(Path.Combine(outdir, SuiteIndex.FileName)))
        {
            throw new RunnerException($"the suite wrote no {SuiteIndex.FileName} into {outdir}");
        }
        var index = SuiteIndex.Load(outdir);
        var report = index.Agents.FirstOrDefault(a => a.Agent == agent)
            ?? throw new RunnerException($"{Path.Combine(outdir, SuiteIndex.FileName)} has no results for agent '{agent}'");
        new RunInfo(agent, engine.Name, engine.Image, DateTimeOffset.UtcNow, target).Save(outdir);

        var verdict = policy.Evaluate(report);
        Print(Console.Out, $"{agent} ({outdir})", report, verdict);
        foreach (var (c, reason) in verdict.Failures.Take(30))
        {
            log.LogError("{Agent} case {Id}: {Reason}", agent, c.Id.Text, reason);
        }
        if (verdict.Failures.Count > 30) log.LogError("... and {More} more failing cases", verdict.Failures.Count - 30);
        log.LogInformation("{Agent}: {Result}", agent, verdict.Passed ? "passed" : $"FAILED ({verdict.Failures.Count} cases)");
        return verdict;
    }
}
