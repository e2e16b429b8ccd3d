using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;
using Microsoft.Extensions.Logging;

namespace Autobahn.Runner;

/// <summary>
/// What a judged run gives its user besides the reports: the console's chapter table and explanations, the
/// explanations in the case pages, and the CI outputs (JUnit, Markdown summary, golden baseline), which also decide
/// the exit status.
/// </summary>
public static class RunOutputs
{
    /// <summary>How many failing cases the console explains; the JUnit file and the summary carry them all.</summary>
    public const int ConsoleLimit = 30;

    public const string StepSummaryVariable = "GITHUB_STEP_SUMMARY";

    /// <summary>Right after a mode's run: explanations into the case pages, then the table, the verdict and each failure in words.</summary>
    public static void Explain(RunOutcome run, TextWriter console, ILogger log)
    {
        DetailPage.ExplainAll(run.Run);
        var agentRun = run.Run;
        ReportPublisher.Print(console, $"{run.Report.Agent} ({run.Report.Directory}, {agentRun.Profile} profile)", run.Report, run.Verdict);
        foreach (var (c, reason) in run.Verdict.Failures.Take(ConsoleLimit))
        {
            console.WriteLine($"FAILED {c.Id.Text} ({reason})");
            console.WriteLine("  " + agentRun.Explain(c).Replace("\n", "\n  ", StringComparison.Ordinal));
        }
        if (run.Verdict.Failures.Count > ConsoleLimit) console.WriteLine($"... and {run.Verdict.Failures.Count - ConsoleLimit} more failing cases (all are in the JUnit file and the summary)");
        if (run.NotRun > 0) log.LogError("{Agent}: {Count} selected cases were never run (the client stopped before them)", run.Report.Agent, run.NotRun);
        log.LogInformation("{Agent}: {Result}", run.Report.Agent, run.Passed ? "passed" : $"FAILED ({run.Verdict.Failures.Count + run.NotRun} cases)");
    }

    /// <summary>The same for a run of the RFC 8441 chapter (reports/rfc8441), judged by <paramref name="policy"/>.</summary>
    public static void Explain(Rfc8441AgentRun run, VerdictPolicy policy, TextWriter console, ILogger log)
    {
        var failures = run.Failures(policy);
        ReportPublisher.Print(console, $"{run.Agent} ({Rfc8441Report.Folder}, {run.Target})", ChapterTable.Build(run.Cases),
            [.. failures.Select(f => (f.Case.Id, f.Reason))]);
        foreach (var (c, reason) in failures.Take(ConsoleLimit))
        {
            console.WriteLine($"FAILED {c.Id} ({reason})");
            console.WriteLine("  " + c.Explain().Replace("\n", "\n  ", StringComparison.Ordinal));
        }
        if (failures.Count > ConsoleLimit) console.WriteLine($"... and {failures.Count - ConsoleLimit} more failing cases (all are in the JUnit file and the summary)");
        log.LogInformation("{Agent} (rfc8441): {Result}", run.Agent, failures.Count == 0 ? "passed" : $"FAILED ({failures.Count} cases)");
    }

    /// <summary>Writes the CI outputs of every run and returns the exit status: with --expect, 1 only when a verdict changed.</summary>
    public static int Write(OutputOptions o, IReadOnlyList<RunOutcome> runs, TextWriter console, ILogger log) =>
        Write(o, runs, [], runs[0].Policy, console, log);

    /// <summary>
    /// The same with the RFC 8441 chapter's runs (reports/rfc8441) too, judged by <paramref name="policy"/>: they are in
    /// the JUnit file and the summary, and one failing fails the exit status as a mode's run does. A baseline
    /// (--expect) covers one agent of servers/ or clients/; with one, the exit status is the comparison's alone.
    /// </summary>
    public static int Write(OutputOptions o, IReadOnlyList<RunOutcome> runs, IReadOnlyList<Rfc8441AgentRun> http2, VerdictPolicy policy, TextWriter console, ILogger log)
    {
        var agentRuns = runs.Select(r => r.Run).ToList();
        Dictionary<string, ExpectationComparison>? comparisons = null;
        var code = runs.All(r => r.Passed) && http2.All(r => r.Failures(policy).Count == 0) ? RunnerApp.Passed : RunnerApp.CasesFailed;

        if (o.Expect is { } expectPath)
        {
            Expectations baseline;
            try { baseline = Expectations.Load(expectPath); }
            catch (Exception e) when (e is IOException or FormatException or System.Text.Json.JsonException)
            {
                log.LogError("--expect {Path}: {Message}", expectPath, e.Message);
                return RunnerApp.CannotRun;
            }
            var matching = runs.Where(r => r.Report.Agent == baseline.Agent && r.Folder == baseline.Mode).ToList();
            if (matching.Count == 0) matching = runs.Count == 1 ? [.. runs] : [];
            if (matching.Count == 0)
            {
                log.LogError("--expect {Path} is the baseline of agent '{Agent}' ({Mode}); this run has no such agent", expectPath, baseline.Agent, baseline.Mode);
                return RunnerApp.CannotRun;
            }
            comparisons = [];
            code = RunnerApp.Passed;
            foreach (var run in matching)
            {
                var comparison = baseline.Compare(run.Report, run.Policy);
                comparisons[run.Report.Agent] = comparison;
                if (!comparison.Passed || run.NotRun > 0) code = RunnerApp.CasesFailed;
                PrintComparison(console, run.Report.Agent, expectPath, comparison);
            }
        }
        if (o.WriteExpect is { } writePath)
        {
            if (runs.Count == 0)
            {
                log.LogError("--write-expect {Path}: a baseline holds one agent of servers/ or clients/, and there is none here", writePath);
                return RunnerApp.CannotRun;
            }
            var run = runs[0];
            if (runs.Count > 1) log.LogWarning("--write-expect saves the baseline of {Agent} ({Mode}) only", run.Report.Agent, run.Folder);
            Expectations.From(run.Report, run.Folder, run.Run.Profile).Save(writePath);
            log.LogInformation("baseline of {Count} verdicts written to {Path}", run.Report.Cases.Count, writePath);
        }
        if (o.JUnit is { } junit)
        {
            JUnitReport.Write(junit, agentRuns, policy, http2);
            log.LogInformation("JUnit written to {Path}", junit);
        }
        var markdown = o.Summary is not null || Environment.GetEnvironmentVariable(StepSummaryVariable) is { Length: > 0 }
            ? MarkdownSummary.Render(agentRuns, policy, comparisons, http2)
            : null;
        if (o.Summary is { } summary)
        {
            if (Path.GetDirectoryName(Path.GetFullPath(summary)) is { } dir) Directory.CreateDirectory(dir);
            File.WriteAllText(summary, markdown);
            log.LogInformation("summary written to {Path}", summary);
        }
        // GitHub Actions shows this file on the run's page; other runners leave the variable unset.
        if (Environment.GetEnvironmentVariable(StepSummaryVariable) is { Length: > 0 } stepSummary)
        {
            File.AppendAllText(stepSummary, markdown + Environment.NewLine);
        }
        return code;
    }

    private static void PrintComparison(TextWriter console, string agent, string path, ExpectationComparison comparison)
    {
        if (comparison.Passed)
        {
            console.WriteLine($"expect: {agent}: every verdict as in {path}");
            return;
        }
        console.WriteLine($"expect: {agent}: verdicts changed against {path}:");
        foreach (var (kind, items) in comparison.Groups())
        {
            foreach (var change in items) console.WriteLine($"  {kind}: {change}");
        }
    }
}
