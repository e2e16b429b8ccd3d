using System.Diagnostics;

namespace Autobahn.Runner;

/// <summary>
/// A program run as a child process: an executable, or a .dll run with the dotnet host. Both output streams
/// arrive line by line; disposing it kills the process tree if it still runs and waits for the end.
/// </summary>
public sealed class LocalProcess : ISuiteProcess
{
    private readonly Process _process;

    private LocalProcess(Process process, Action<string> onLine)
    {
        _process = process;
        var stdout = PumpAsync(process.StandardOutput, onLine);
        var stderr = PumpAsync(process.StandardError, onLine);
        Exited = WaitAsync(stdout, stderr);
    }

    public Task<long> Exited { get; }

    public static LocalProcess Start(string command, IEnumerable<string> arguments, Action<string> onLine)
    {
        var info = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (command.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            info.FileName = DotnetHost();
            info.ArgumentList.Add(command);
        }
        else
        {
            info.FileName = command;
        }
        foreach (var a in arguments) info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new RunnerException($"could not start {command}");
        return new LocalProcess(process, onLine);
    }

    /// <summary>The dotnet host running this runner (when started as `dotnet Autobahn.Runner.dll`), else the one on the PATH.</summary>
    private static string DotnetHost() =>
        Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";

    private async Task<long> WaitAsync(Task stdout, Task stderr)
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
        return _process.ExitCode;
    }

    private static async Task PumpAsync(StreamReader reader, Action<string> onLine)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line) onLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await Exited.ConfigureAwait(false);
        _process.Dispose();
    }
}
