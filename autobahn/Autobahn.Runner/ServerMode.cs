using Autobahn.Engine.Cases;
using System.Globalization;
using System.Text.RegularExpressions;
using Autobahn.Runner.Reports;
using Microsoft.Extensions.Logging;

namespace Autobahn.Runner;

/// <summary>The suite's fuzzingclient against a server: ours, or any --target.</summary>
public static partial class ServerMode
{
    public const string Folder = "servers";

    public static async Task<RunOutcome> RunAsync(ISuiteEngine engine, RunnerOptions o, string configDir, string target, string agent, bool claimsCompression, ILoggerFactory logs, CancellationToken ct)
    {
        var run = new ModeRun(Folder, "server-mode", o, logs);
        var log = run.Log;
        var (cases, exclude) = o.SuiteSelection();
        SuiteConfig.Write(configDir, SuiteConfig.FuzzingClientFile,
            SuiteConfig.FuzzingClient(engine.ReportsPath(Folder), agent, engine.HostUrlAsSeenBySuite(target), cases, exclude, o.Profile.Name(), o.Transport, o.AcceptAnyCertificate));

        log.LogInformation("server mode: {Engine} engine tests {Target} over {Transport} as agent '{Agent}'", engine.Name, target, o.Transport, agent);
        var progress = ProgressLine.ForConsole(log);
        var started = 0;
        await using (var suite = await run.StartSuiteAsync(engine, "fuzzingclient", SuiteConfig.FuzzingClientFile, line =>
        {
            if (RunningCase().Match(line) is { Success: true } m) progress.Report(Interlocked.Increment(ref started), null, m.Groups[1].Value);
            else if (FinishedCase().Match(line) is { Success: true } f)
            {
                progress.Report(int.Parse(f.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(f.Groups[2].Value, CultureInfo.InvariantCulture), f.Groups[3].Value);
            }
        }, null, ct).ConfigureAwait(false))
        {
            var exit = await suite.Exited.WaitAsync(o.SuiteTimeout, ct).ConfigureAwait(false);
            progress.Done();
            if (exit != 0) throw new RunnerException($"wstest fuzzingclient exited with code {exit}; run with --verbose to see its output");
        }
        return run.Publish(engine, agent, target, claimsCompression);
    }

    // The official suite announces each case it starts; counting these lines gives the progress.
    [GeneratedRegex(@"Running test case ID (\S+)")]
    private static partial Regex RunningCase();

    // The built-in engine reports each case it finished as "[n/total] agent id: verdict".
    [GeneratedRegex(@"^\[(\d+)/(\d+)\] \S+ (\S+):")]
    private static partial Regex FinishedCase();
}
