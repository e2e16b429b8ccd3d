using System.Diagnostics;

namespace Autobahn.Engine.Tests;

/// <summary>Runs Debian's node-ws as the client under test of a fuzzing server (Data/node-client.js), to completion.</summary>
public static class NodeWsClient
{
    public static async Task<string> RunAsync(Uri server, string agent, TimeSpan limit)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Data", "node-client.js");
        var psi = new ProcessStartInfo("node", [script, server.ToString().TrimEnd('/'), agent]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["NODE_PATH"] = "/usr/share/nodejs";
        psi.Environment["PMD"] = "1";
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start node (is nodejs installed? `make deps`)");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"node client did not finish within {limit}");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"node client failed: {await stderr}");
        return await stdout;
    }
}
