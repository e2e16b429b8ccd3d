using System.Text.Json;
using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;
using Microsoft.Extensions.Logging;

namespace Autobahn.Runner;

/// <summary>
/// `report`: no run, only the reports already in a reports folder (from either engine, or copied from elsewhere):
/// each agent's chapter table, verdict and explanations, the CI outputs, and index.html rewritten; the same for the
/// RFC 8441 chapter's runs in rfc8441/, whose page is rewritten too.
/// `merge`: the same after joining several reports folders (such as shards) into one.
/// </summary>
public static class ReportCommand
{
    public static int Run(string reportsDirectory, VerdictPolicy policy, OutputOptions outputs, ILogger log)
    {
        if (!Directory.Exists(reportsDirectory))
        {
            log.LogError("no reports folder at {Dir}", Path.GetFullPath(reportsDirectory));
            return RunnerApp.CannotRun;
        }
        IReadOnlyList<Rfc8441AgentRun> http2;
        try
        {
            http2 = Rfc8441Report.Load(reportsDirectory);
        }
        catch (Exception e) when (e is FormatException or JsonException or IOException)
        {
            log.LogError("cannot read the RFC 8441 report: {Message}", e.Message);
            return RunnerApp.CannotRun;
        }
        var runs = new List<RunOutcome>();
        foreach (var (folder, _) in IndexPage.Modes)
        {
            var dir = Path.Combine(reportsDirectory, folder);
            if (!File.Exists(Path.Combine(dir, ReportFileNames.IndexJson))) continue;
            var infos = RunInfo.LoadAll(dir);
            foreach (var agent in SuiteIndex.Load(dir).Agents)
            {
                var run = new RunOutcome(folder, agent, policy.Evaluate(agent), policy, infos.GetValueOrDefault(agent.Agent));
                RunOutputs.Explain(run, Console.Out, log);
                runs.Add(run);
            }
        }
        foreach (var run in http2) RunOutputs.Explain(run, policy, Console.Out, log);
        if (runs.Count == 0 && http2.Count == 0)
        {
            log.LogError("no index.json under {Dir}/clients, {Dir}/servers or {Dir}/rfc8441", reportsDirectory, reportsDirectory, reportsDirectory);
            return RunnerApp.CannotRun;
        }
        if (http2.Count > 0) log.LogInformation("published {Page}", Rfc8441Report.WritePage(reportsDirectory, http2, DateTimeOffset.UtcNow));
        log.LogInformation("published {Page}", IndexPage.Write(reportsDirectory, DateTimeOffset.UtcNow));
        return RunOutputs.Write(outputs, runs, http2, policy, Console.Out, log);
    }

    public static int Merge(IReadOnlyList<string> folders, string outDirectory, VerdictPolicy policy, OutputOptions outputs, ILogger log)
    {
        var missing = folders.Where(f => !Directory.Exists(f)).ToList();
        if (missing.Count > 0)
        {
            log.LogError("no reports folder at {Dirs}", string.Join(", ", missing));
            return RunnerApp.CannotRun;
        }
        try
        {
            ReportMerge.Merge(folders, outDirectory);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or InvalidOperationException or IOException or JsonException)
        {
            log.LogError("cannot merge: {Message}", e.Message);
            return RunnerApp.CannotRun;
        }
        log.LogInformation("merged {Count} folders into {Dir}", folders.Count, Path.GetFullPath(outDirectory));
        return Run(outDirectory, policy, outputs, log);
    }
}
