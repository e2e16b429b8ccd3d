using Autobahn.Engine.Cases;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;
using Microsoft.Extensions.Logging;

namespace Autobahn.Runner;

/// <summary>
/// Client mode for any client: the suite serves the cases on --port and the client drives the run itself, the way
/// every Autobahn client script does (getCaseCount, runCase?case=N&amp;agent=A for N = 1..count, updateReports?agent=A).
/// With --exec the tool starts that client once, with {url}, {agent} and {count} filled in; without it, the tool waits
/// for a client started by someone else. Either way the run ends when the reports are written, or at the deadline.
/// </summary>
public static partial class OutsideClientMode
{
    public const string DefaultAgent = "client-under-test";

    public static async Task<RunOutcome> RunAsync(ISuiteEngine engine, RunnerOptions o, string configDir, string agent, bool claimsCompression, ILoggerFactory logs, CancellationToken ct)
    {
        if (o.Exec is not null && !SafeAgent().IsMatch(agent))
            throw new RunnerException($"agent '{agent}' is placed on the client's command line: use letters, digits, '.', '_' and '-' only");
        var run = new ModeRun(ClientMode.Folder, "client-mode", o, logs);
        var log = run.Log;
        var index = Path.Combine(run.Outdir, ReportFileNames.IndexJson);
        var before = File.Exists(index) ? File.GetLastWriteTimeUtc(index) : DateTime.MinValue;

        var (suite, baseUri, count) = await run.StartFuzzingServerAsync(engine, configDir, ct).ConfigureAwait(false);
        await using (suite)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(o.ClientDeadline);
            var reportsWritten = WaitForReportsAsync(index, before, suite.Exited, deadline.Token);
            if (o.Exec is { } command)
            {
                var line = Fill(command, baseUri, agent, count);
                log.LogInformation("client mode: {Engine} engine serves {Count} cases at {Url}; starting the client: {Command}", engine.Name, count, baseUri, line);
                await RunClientAsync(line, reportsWritten, log, deadline.Token).ConfigureAwait(false);
            }
            else
            {
                log.LogInformation("client mode: {Engine} engine serves {Count} cases at {Url}: run your client against it (runCase?case=1..{Count}&agent=NAME, " +
                                   "then updateReports?agent=NAME); waiting up to {Minutes:0} minutes", engine.Name, count, baseUri, count, o.ClientDeadline.TotalMinutes);
                try { await reportsWritten.ConfigureAwait(false); }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested) { log.LogError("the client did not ask for the reports before the deadline"); }
            }
            ct.ThrowIfCancellationRequested();
            if (!reportsWritten.IsCompletedSuccessfully)
            {
                // The client ended (or ran out of time) without asking for the reports: ask for them, so what it did run is judged.
                log.LogWarning("the client did not ask for the reports (updateReports); the tool asks for them");
                await SuiteControl.WithTimeout(o.CaseTimeout, ct, t => SuiteControl.UpdateReportsAsync(baseUri, agent, t, o.Transport)).ConfigureAwait(false);
            }
        }
        if (!File.Exists(index) || File.GetLastWriteTimeUtc(index) <= before)
            throw new RunnerException("the client ran no case: no report was written (is it pointed at " + baseUri + "?)");
        var reported = o.Agent ?? (o.Exec is not null ? agent : NewestAgent(SuiteIndex.Load(run.Outdir), run.Outdir) ?? agent);
        var outcome = run.Publish(engine, reported, null, claimsCompression);
        var missing = count - outcome.Report.Cases.Count;
        return missing > 0 ? outcome with { NotRun = missing } : outcome;
    }

    /// <summary>Without --agent and --exec the client chose its own name: the agent whose runs.json entry is missing or oldest is the new one.</summary>
    private static string? NewestAgent(SuiteIndex index, string outdir)
    {
        var runs = RunInfo.LoadAll(outdir);
        return index.Agents.Select(a => a.Agent).OrderBy(a => runs.TryGetValue(a, out var r) ? r.Date : DateTimeOffset.MinValue).FirstOrDefault();
    }

    /// <summary>{url}: the suite's base URL; {agent}: the name the client must use; {count}: how many cases there are.</summary>
    public static string Fill(string command, Uri baseUri, string agent, int count) => command
        .Replace("{url}", baseUri.ToString().TrimEnd('/'), StringComparison.Ordinal)
        .Replace("{agent}", agent, StringComparison.Ordinal)
        .Replace("{count}", count.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>Runs the client's command through the shell; its output is logged. Ends at its exit, or kills it at the deadline.</summary>
    private static async Task RunClientAsync(string line, Task reportsWritten, ILogger log, CancellationToken deadline)
    {
        var info = OperatingSystem.IsWindows()
            ? new ProcessStartInfo("cmd.exe") { ArgumentList = { "/c", line } }
            : new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", line } };
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        using var process = Process.Start(info) ?? throw new RunnerException($"could not start the client: {line}");
        process.OutputDataReceived += (_, e) => { if (e.Data is { } l) log.LogInformation("client: {Line}", l); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } l) log.LogInformation("client: {Line}", l); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(deadline).ConfigureAwait(false);
            if (process.ExitCode != 0) log.LogWarning("the client exited with code {Code}", process.ExitCode);
            // A client that exited after asking for the reports: the suite writes them once its last case is judged.
            if (!reportsWritten.IsCompleted) await Task.WhenAny(reportsWritten, Task.Delay(TimeSpan.FromSeconds(5), deadline)).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            log.LogError("the client was still running at the deadline; it was stopped");
        }
    }

    /// <summary>Completes when index.json is (re)written after the run began: the suite writes it on updateReports.</summary>
    private static async Task WaitForReportsAsync(string index, DateTime before, Task<long> suiteExited, CancellationToken ct)
    {
        var dir = Path.GetDirectoryName(index)!;
        Directory.CreateDirectory(dir);
        using var watcher = new FileSystemWatcher(dir, ReportFileNames.IndexJson) { EnableRaisingEvents = true, NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size };
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.Changed += (_, _) => changed.TrySetResult();
        watcher.Created += (_, _) => changed.TrySetResult();
        while (!(File.Exists(index) && File.GetLastWriteTimeUtc(index) > before))
        {
            if (suiteExited.IsCompleted) throw new RunnerException("the suite exited before the client asked for the reports");
            // The watcher wakes this at once; the periodic look covers file systems where it cannot (a container's bind mount).
            await Task.WhenAny(changed.Task, suiteExited, Task.Delay(TimeSpan.FromSeconds(1), ct)).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex SafeAgent();
}
