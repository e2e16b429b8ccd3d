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
        return RepoBuild.Output("conformance/Autobahn.Wstest", "wstest.dll");
    }

    public string HostUrlAsSeenBySuite(string url) => url;

    public Task<ISuiteProcess> StartAsync(IReadOnlyList<string> wstestArguments, Action<string> onLine, int? listenPort, CancellationToken ct) =>
        Task.FromResult<ISuiteProcess>(LocalProcess.Start(command, wstestArguments, onLine));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
