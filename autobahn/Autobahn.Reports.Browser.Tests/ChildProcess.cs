using System.Diagnostics;
using System.Text;

namespace Autobahn.Reports.Browser.Tests;

/// <summary>Runs a program to its end within a time limit, keeping its output for the failure message.</summary>
internal static class ChildProcess
{
    /// <returns>The exit code and stdout and stderr interleaved as they arrived.</returns>
    /// <exception cref="TimeoutException">It ran past <paramref name="limit"/>; it and its children are killed.</exception>
    public static async Task<(int Exit, string Output)> RunAsync(
        string file, IEnumerable<string> args, string workingDirectory, TimeSpan limit, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;

        var output = new StringBuilder();
        void Keep(object? _, DataReceivedEventArgs e)
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
        }
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += Keep;
        process.ErrorDataReceived += Keep;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            lock (output) throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} ran past {limit}:\n{output}");
        }
        lock (output) return (process.ExitCode, output.ToString());
    }
}
