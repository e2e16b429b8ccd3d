using Autobahn.Runner.Reports;
using Microsoft.Extensions.Logging;

namespace Autobahn.Runner;

/// <summary>
/// `report`: no run, only the reports already in reports/ (from any engine, or copied from elsewhere): prints each
/// agent's chapter table and verdict, and rewrites reports/index.html.
/// </summary>
public static class ReportCommand
{
    public static int Run(string reportsDirectory, VerdictPolicy policy, ILogger log)
    {
        if (!Directory.Exists(reportsDirectory))
        {
            log.LogError("no reports folder at {Dir}", Path.GetFullPath(reportsDirectory));
            return RunnerApp.CannotRun;
        }
        var failed = false;
        var any = false;
        foreach (var (folder, title) in IndexPage.Modes)
        {
            var dir = Path.Combine(reportsDirectory, folder);
            if (!File.Exists(Path.Combine(dir, SuiteIndex.FileName))) continue;
            foreach (var agent in SuiteIndex.Load(dir).Agents)
            {
                any = true;
                var verdict = policy.Evaluate(agent);
                failed |= !verdict.Passed;
                ReportPublisher.Print(Console.Out, $"{title}: {agent.Agent}", agent, verdict);
            }
        }
        if (!any)
        {
            log.LogError("no index.json under {Dir}/clients or {Dir}/servers", reportsDirectory, reportsDirectory);
            return RunnerApp.CannotRun;
        }
        log.LogInformation("published {Page}", IndexPage.Write(reportsDirectory, DateTimeOffset.UtcNow));
        return failed ? RunnerApp.CasesFailed : RunnerApp.Passed;
    }
}
