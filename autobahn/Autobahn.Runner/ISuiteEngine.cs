namespace Autobahn.Runner;

/// <summary>
/// Where wstest runs: in a container (docker) or as a local process (builtin). Paths in the suite's config
/// files are written as the suite sees them, which differs between the two.
/// </summary>
public interface ISuiteEngine : IAsyncDisposable
{
    /// <summary>"docker" or "builtin", recorded with the reports.</summary>
    string Name { get; }

    /// <summary>The image that produced the reports; null for the built-in engine.</summary>
    string? Image { get; }

    /// <summary>The path under which the suite sees a file of the host's config folder.</summary>
    string ConfigPath(string fileName);

    /// <summary>The path under which the suite sees a folder of the host's reports folder.</summary>
    string ReportsPath(string folder);

    /// <summary>A URL of a server on this host as the suite reaches it (in a container without host networking: host.docker.internal).</summary>
    string HostUrlAsSeenBySuite(string url);

    /// <summary>Starts wstest; each output line goes to <paramref name="onLine"/>. <paramref name="listenPort"/>: the port it serves on, if any.</summary>
    Task<ISuiteProcess> StartAsync(IReadOnlyList<string> wstestArguments, Action<string> onLine, int? listenPort, CancellationToken ct);
}

/// <summary>A running suite; disposing it stops it and cleans up.</summary>
public interface ISuiteProcess : IAsyncDisposable
{
    Task<long> Exited { get; }
}
