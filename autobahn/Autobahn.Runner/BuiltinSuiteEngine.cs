namespace Autobahn.Runner;

/// <summary>
/// The built-in engine on host paths: in this process by default, or a given wstest-compatible command
/// (<paramref name="command"/>: an executable, or a .dll run with the current dotnet host) as a child process.
/// </summary>
public sealed class BuiltinSuiteEngine(string? command, string hostConfigDir, string hostReportsDir) : ISuiteEngine
{
    public string Name => "builtin";

    public string? Image => null;

    public string ConfigPath(string fileName) => Path.Combine(Path.GetFullPath(hostConfigDir), fileName);

    public string ReportsPath(string folder) => Path.Combine(Path.GetFullPath(hostReportsDir), folder);

    public string HostUrlAsSeenBySuite(string url) => url;

    public Task<ISuiteProcess> StartAsync(IReadOnlyList<string> wstestArguments, Action<string> onLine, int? listenPort, CancellationToken ct) =>
        Task.FromResult<ISuiteProcess>(command is null
            ? InProcessSuite.Start(wstestArguments, onLine)
            : LocalProcess.Start(command, wstestArguments, onLine));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
