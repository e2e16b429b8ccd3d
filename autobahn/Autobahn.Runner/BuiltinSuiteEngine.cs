using System.Diagnostics;

namespace Autobahn.Runner;

/// <summary>
/// The built-in engine's wstest-compatible command line (conformance/Autobahn.Wstest), run as a local process on
/// host paths. <paramref name="command"/> is its executable, or a .dll run with the current dotnet host.
/// </summary>
public sealed class BuiltinSuiteEngine(string command, string hostConfigDir, string hostReportsDir) : ISuiteEngine
{
    public string Name => "builtin";

    public string? Image => null;

    public string ConfigPath(string fileName) => Path.Combine(Path.GetFullPath(hostConfigDir), fileName);

    public string ReportsPath(string folder) => Path.Combine(Path.GetFullPath(hostReportsDir), folder);

    /// <summary>The engine's command if it has been built, else null; the caller says what is missing.</summary>
    public static string? Locate(string? explicitCommand)
    {
        if (explicitCommand is not null) return File.Exists(explicitCommand) ? Path.GetFullPath(explicitCommand) : null;
        var beside = Path.Combine(AppContext.BaseDirectory, "Autobahn.Wstest.dll");
        return File.Exists(beside) ? beside : null;
    }

    public string HostUrlAsSeenBySuite(string url) => url;

    public Task<ISuiteProcess> StartAsync(IReadOnlyList<string> wstestArguments, Action<string> onLine, int? listenPort, CancellationToken ct)
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
        foreach (var a in wstestArguments) info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new RunnerException($"could not start the built-in engine {command}");
        return Task.FromResult<ISuiteProcess>(new LocalSuiteProcess(process, onLine));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The dotnet host running this runner (when started as `dotnet Autobahn.Runner.dll`), else the one on the PATH.</summary>
    private static string DotnetHost() =>
        Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";

    private sealed class LocalSuiteProcess : ISuiteProcess
    {
        private readonly Process _process;

        public LocalSuiteProcess(Process process, Action<string> onLine)
        {
            _process = process;
            var stdout = PumpAsync(process.StandardOutput, onLine);
            var stderr = PumpAsync(process.StandardError, onLine);
            Exited = WaitAsync(stdout, stderr);
        }

        public Task<long> Exited { get; }

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
}
