using System.Diagnostics;
using Autobahn.Engine.Engine;
using Autobahn.Engine.Modes;

namespace Autobahn.Engine.Tests;

/// <summary>
/// A third-party client under test in fuzzingserver mode: a program that takes the server's base URL and an agent
/// name, runs every case through the official endpoints, asks for the reports and prints "ran N cases".
/// </summary>
public static class PeerClient
{
    /// <summary>Runs the program to completion within <paramref name="limit"/> and returns its standard output.</summary>
    public static async Task<string> RunAsync(string program, IEnumerable<string> args, Dictionary<string, string> env, TimeSpan limit)
    {
        var psi = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program} (`make deps`)");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish within {limit}");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {await stderr}");
        return await stdout;
    }

    /// <summary>Serves <paramref name="cases"/> on a fresh fuzzing server, lets the client run them all, and returns the results.</summary>
    public static async Task<IReadOnlyList<CaseResult>> DriveAsync(List<string> cases, string agent, Func<Uri, Task<string>> client)
    {
        var outdir = Path.Combine(Path.GetTempPath(), "autobahn-engine-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using var server = new FuzzingServer(new FuzzingSpec { Url = "ws://127.0.0.1:0", OutDir = outdir, Cases = cases, Options = EngineRuns.LoadTolerant });
            server.Start();
            var said = await client(new Uri($"ws://127.0.0.1:{server.Port}"));
            if (!said.Contains($"ran {server.Cases.Count} cases")) throw new InvalidOperationException($"{agent} did not run every case: {said}");
            if (!File.Exists(Path.Combine(outdir, "index.json"))) throw new InvalidOperationException("/updateReports wrote no index.json");
            return server.Results.Where(r => r.Agent == agent).ToList();
        }
        finally
        {
            if (Directory.Exists(outdir)) Directory.Delete(outdir, recursive: true);
        }
    }
}
