using Autobahn.Engine.Cases;
using Autobahn.Engine.Modes;
using Autobahn.Runner.Reports;
using Microsoft.Extensions.Logging;

namespace Autobahn.Runner;

/// <summary>
/// The suite's fuzzingserver driving an echo client: getCaseCount, runCase for N = 1..count (N is the index into
/// the selected cases), then updateReports (the suite writes nothing and never exits on its own before that).
/// The built-in engine also says which cases may run at once (getCaseSchedule); then the runner runs them as its
/// fuzzingclient would (timing-sensitive cases alone). Any other suite gets them one by one, as the official protocol has it.
/// </summary>
public static class ClientMode
{
    public const string Folder = "clients";

    public static async Task<RunOutcome> RunAsync(ISuiteEngine engine, RunnerOptions o, string configDir, IEchoClient client, string agent, bool claimsCompression, ILoggerFactory logs, CancellationToken ct)
    {
        var run = new ModeRun(Folder, "client-mode", o, logs);
        var log = run.Log;
        log.LogInformation("client mode: {Engine} engine drives {Client} over {Transport} as agent '{Agent}'", engine.Name, client.GetType().Name, o.Transport, agent);
        var (suite, baseUri, count) = await run.StartFuzzingServerAsync(engine, configDir, ct).ConfigureAwait(false);
        await using (suite)
        {
            log.LogInformation("the suite selected {Count} cases", count);
            var schedule = engine.Name == "builtin" ? await SuiteControl.WithTimeout(o.CaseTimeout, ct, t => SuiteControl.GetCaseScheduleAsync(baseUri, t, o.Transport)).ConfigureAwait(false) : null;
            if (schedule is not null && schedule.Count != count) throw new RunnerException($"getCaseSchedule listed {schedule.Count} cases, getCaseCount {count}");
            log.LogInformation(schedule is null ? "cases run one by one" : "cases run {Parallel} at once, timing-sensitive ones alone", o.Parallel);
            var progress = ProgressLine.ForConsole(log);
            int done = 0;
            async Task RunCase(int i)
            {
                if (suite.Exited.IsCompleted) throw new RunnerException($"the suite exited during the run, before case {i + 1} of {count}; run with --verbose to see its output");
                await RunOneAsync(client, SuiteControl.RunCaseUri(baseUri, i + 1, agent), i + 1, o.CaseTimeout, log, ct).ConfigureAwait(false);
                lock (progress) progress.Report(++done, count, null);
            }
            if (schedule is null) for (var i = 0; i < count; i++) await RunCase(i).ConfigureAwait(false);
            else await CaseSchedule.RunAsync(schedule, o.Parallel, RunCase, ct).ConfigureAwait(false);
            progress.Done();
            // The client may be done before the suite has recorded the last case: ask for its status first, so
            // the reports written next include it.
            if (count > 0) await SuiteControl.WithTimeout(o.CaseTimeout, ct, t => SuiteControl.GetCaseStatusAsync(baseUri, count, agent, t, o.Transport)).ConfigureAwait(false);
            await SuiteControl.WithTimeout(o.CaseTimeout, ct, t => SuiteControl.UpdateReportsAsync(baseUri, agent, t, o.Transport)).ConfigureAwait(false);
        }
        return run.Publish(engine, agent, null, claimsCompression);
    }

    /// <summary>A case's failure is the suite's to judge: the runner only bounds its time and moves on.</summary>
    private static async Task RunOneAsync(IEchoClient client, Uri uri, int n, TimeSpan timeout, ILogger log, CancellationToken ct)
    {
        using var caseCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        caseCts.CancelAfter(timeout);
        try
        {
            await client.RunCaseAsync(uri, caseCts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            log.LogWarning("case {N}: the client was still connected after {Seconds:0}s; aborted (the suite records its verdict)", n, timeout.TotalSeconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A refused handshake or a dropped connection is an outcome of the case, not of the run.
            log.LogDebug("case {N}: the client ended with {Type}: {Message}", n, ex.GetType().Name, ex.Message);
        }
    }
}
