using System.Reflection;
using System.Text.Json;
using Autobahn.Fuzz;

namespace Autobahn.Runner;

/// <summary>`fuzz` and `replay`: the remote fuzzer's command-line side (exit codes as for every command: 0 clean, 1 findings, 2 could not run).</summary>
public static class FuzzCommands
{
    public static string ToolVersion =>
        typeof(FuzzCommands).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";

    /// <summary>The URL as a target the fuzzer may use, or null after saying why not.</summary>
    public static Uri? Target(string url, bool allowRemote, TextWriter error)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("ws" or "wss"))
        {
            error.WriteLine($"wsconform: {url} is not a ws:// URL");
            return null;
        }
        if (uri.Scheme == "wss")
        {
            error.WriteLine("wsconform: the fuzzer speaks plain TCP only; give a ws:// URL (terminate TLS in front of it if needed)");
            return null;
        }
        if (!allowRemote && !FuzzCampaign.IsLoopback(uri))
        {
            error.WriteLine($"wsconform: {uri.Host} is not a loopback address; fuzzing another machine needs --allow-remote");
            return null;
        }
        return uri;
    }

    public static async Task<int> FuzzAsync(FuzzOptions options, string? report, TextWriter output, CancellationToken ct)
    {
        if (options.Exec is null && !await FuzzCampaign.Listening(options.Target, ct).ConfigureAwait(false))
        {
            Console.Error.WriteLine($"wsconform: nothing accepts connections at {options.Target}; start the server first (or give --exec)");
            return RunnerApp.CannotRun;
        }
        output.WriteLine($"fuzzing {options.Target} (seed {options.Seed}, {(options.Sessions is int n ? $"{n} sessions or " : "")}{options.Duration.TotalSeconds:0} s, {options.Connections} at once{(options.Echo ? "" : ", protocol rules only")})");
        FuzzSummary summary;
        try { summary = await new FuzzCampaign(options with { ToolVersion = ToolVersion }, output).RunAsync(ct).ConfigureAwait(false); }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine("wsconform: " + e.Message);
            return RunnerApp.CannotRun;
        }
        output.WriteLine($"{summary.Sessions} sessions, {summary.FramesSent} frames sent, {summary.Signatures} behaviours, {summary.Probes} liveness probes in {summary.Seconds} s"
            + (summary.SlowSessions > 0 ? $"; {summary.SlowSessions} slow sessions (a verdict within the deadline that did not come back with four times it)" : ""));
        if (summary.Findings == 0) output.WriteLine("no finding");
        else
        {
            output.WriteLine($"{summary.Findings} findings:");
            foreach (var (rule, count) in summary.FindingsByRule) output.WriteLine($"  {rule,-22} {count}");
            foreach (var f in summary.Files) output.WriteLine($"  replay: wsconform replay {f} {options.Target}");
        }
        if (report is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(report))!);
            await File.WriteAllTextAsync(report, JsonSerializer.Serialize(summary, FuzzJson.Options), ct).ConfigureAwait(false);
        }
        return summary.Findings == 0 ? RunnerApp.Passed : RunnerApp.CasesFailed;
    }

    public static async Task<int> ReplayAsync(string file, Uri target, TimeSpan deadline, TextWriter output, CancellationToken ct)
    {
        FindingFile finding;
        try { finding = Replay.Load(file); }
        catch (Exception e) when (e is IOException or JsonException or InvalidDataException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"wsconform: cannot read {file}: {e.Message}");
            return RunnerApp.CannotRun;
        }
        if (!await FuzzCampaign.Listening(target, ct).ConfigureAwait(false))
        {
            Console.Error.WriteLine($"wsconform: nothing accepts connections at {target}");
            return RunnerApp.CannotRun;
        }
        var verdict = await Replay.RunAsync(finding, target, deadline, output, ct).ConfigureAwait(false);
        return verdict is null ? RunnerApp.Passed : RunnerApp.CasesFailed;
    }
}
