namespace Autobahn.Runner;

/// <summary>wstest inside a container of the suite's image, with /config and /reports bind-mounted.</summary>
public sealed class DockerSuiteEngine(DockerEngine docker, string image, string hostConfigDir, string hostReportsDir, bool keep) : ISuiteEngine
{
    public const string DefaultImage = "crossbario/autobahn-testsuite";

    public string Name => "docker";

    public string? Image => image;

    public string ConfigPath(string fileName) => "/config/" + fileName;

    public string ReportsPath(string folder) => "/reports/" + folder;

    public string HostUrlAsSeenBySuite(string url)
    {
        if (OperatingSystem.IsLinux()) return url; // host networking: the host's loopback is the container's
        var b = new UriBuilder(url);
        if (b.Host is "127.0.0.1" or "localhost" or "[::1]") b.Host = "host.docker.internal";
        return b.Uri.ToString();
    }

    public async Task<ISuiteProcess> StartAsync(IReadOnlyList<string> wstestArguments, Action<string> onLine, int? listenPort, CancellationToken ct)
    {
        var spec = new ContainerSpec(
            image,
            ["wstest", .. wstestArguments],
            new Dictionary<string, string> { [hostConfigDir] = "/config", [hostReportsDir] = "/reports" },
            listenPort);
        try
        {
            return await docker.StartAsync(spec, onLine, keep, ct).ConfigureAwait(false);
        }
        catch (Docker.DotNet.DockerApiException ex)
        {
            throw new RunnerException($"could not start wstest in image {image}: {ex.Message.Trim()}. Is it the suite's image (or one with a wstest-compatible command)?", ex);
        }
    }

    public ValueTask DisposeAsync()
    {
        docker.Dispose();
        return ValueTask.CompletedTask;
    }
}
