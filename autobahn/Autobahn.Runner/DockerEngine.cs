using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace Autobahn.Runner;

/// <summary>The Docker engine reached through Docker.DotNet (DOCKER_HOST, else the default unix socket).</summary>
public sealed class DockerEngine : IDisposable
{
    private readonly DockerClient _client;
    private readonly ILogger _log;

    private DockerEngine(DockerClient client, Uri endpoint, ILogger log)
    {
        _client = client;
        Endpoint = endpoint;
        _log = log;
    }

    public Uri Endpoint { get; }

    public DockerClient Client => _client;

    public static Uri DefaultEndpoint() =>
        Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? new Uri(host) : new Uri("unix:///var/run/docker.sock");

    /// <summary>Connects and pings (bounded); throws a <see cref="RunnerException"/> that says how to get an engine.</summary>
    public static async Task<DockerEngine> ConnectAsync(Uri endpoint, ILogger log, CancellationToken ct)
    {
        var client = new DockerClientConfiguration(endpoint).CreateClient();
        try
        {
            using var ping = CancellationTokenSource.CreateLinkedTokenSource(ct);
            ping.CancelAfter(TimeSpan.FromSeconds(5));
            await client.System.PingAsync(ping.Token).ConfigureAwait(false);
            return new DockerEngine(client, endpoint, log);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            client.Dispose();
            throw new RunnerException(
                $"no Docker engine answers at {endpoint} ({ex.GetBaseException().Message}). Start one (as root: scripts/docker-engine.sh), " +
                "set DOCKER_HOST, or use the built-in engine (--engine builtin).", ex);
        }
    }

    public async Task<bool> HasImageAsync(string image, CancellationToken ct)
    {
        try
        {
            await _client.Images.InspectImageAsync(image, ct).ConfigureAwait(false);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
        catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Uses the local image, else pulls it showing progress, else says what to do.</summary>
    public async Task EnsureImageAsync(string image, CancellationToken ct)
    {
        if (await HasImageAsync(image, ct).ConfigureAwait(false))
        {
            _log.LogInformation("image {Image} is present locally", image);
            return;
        }
        var (name, tag) = SplitReference(image);
        _log.LogInformation("pulling {Image}", image);
        var progress = new Progress<JSONMessage>(m =>
        {
            if (m.Error is not null) _log.LogWarning("pull: {Error}", m.Error.Message);
            else if (!string.IsNullOrEmpty(m.Status)) _log.LogInformation("pull: {Id} {Status} {Progress}", m.ID, m.Status, m.ProgressMessage);
        });
        try
        {
            await _client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = name, Tag = tag }, null, progress, ct).ConfigureAwait(false);
        }
        catch (DockerApiException ex)
        {
            throw new RunnerException(
                $"image {image} is not on this machine and cannot be pulled ({ex.Message.Trim()}). Load it with `docker load`, " +
                "pass --image, or use the built-in engine (--engine builtin). A compatible image of the built-in engine: " +
                "`make autobahn-image` packs it as ws-conformance/wstest:local, then `make autobahn ENGINE=docker IMAGE=ws-conformance/wstest:local`.", ex);
        }
        if (!await HasImageAsync(image, ct).ConfigureAwait(false))
        {
            throw new RunnerException($"pulling {image} ended without the image (see the pull messages above); pass --image or use --engine builtin.");
        }
    }

    /// <summary>"repo/name:tag" -> (repo/name, tag); a ':' before the last '/' is a registry port, not a tag.</summary>
    public static (string Name, string Tag) SplitReference(string image)
    {
        var colon = image.LastIndexOf(':');
        return colon > image.LastIndexOf('/') ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
    }

    /// <summary>Removes every container an earlier run left (labelled <see cref="ContainerSpec.RunnerLabel"/>).</summary>
    public async Task<int> RemoveLeftoversAsync(CancellationToken ct)
    {
        var leftovers = await ListOursAsync(ct).ConfigureAwait(false);
        foreach (var c in leftovers)
        {
            _log.LogInformation("removing leftover container {Id} ({State}) from an earlier run", c.ID[..12], c.State);
            await _client.Containers.RemoveContainerAsync(c.ID, new ContainerRemoveParameters { Force = true }, ct).ConfigureAwait(false);
        }
        return leftovers.Count;
    }

    public async Task<IList<ContainerListResponse>> ListOursAsync(CancellationToken ct) =>
        await _client.Containers.ListContainersAsync(
            new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [ContainerSpec.RunnerLabel + "=1"] = true } },
            },
            ct).ConfigureAwait(false);

    /// <summary>Creates and starts the container (labelled, host network, bind mounts) and streams its output lines.</summary>
    public async Task<ContainerRun> StartAsync(ContainerSpec spec, Action<string> onLine, bool keep, CancellationToken ct)
    {
        var hostNetwork = OperatingSystem.IsLinux();
        var port = spec.PublishedPort is { } p && !hostNetwork ? p.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/tcp" : null;
        var create = new CreateContainerParameters
        {
            Image = spec.Image,
            Cmd = [.. spec.Command],
            Labels = new Dictionary<string, string> { [ContainerSpec.RunnerLabel] = "1" },
            User = HostUser.ForContainer(),
            HostConfig = new HostConfig
            {
                // Host networking lets the suite reach a server on the host and the runner reach the suite on 127.0.0.1;
                // elsewhere (Docker Desktop) the host is host.docker.internal and the suite's port is published.
                NetworkMode = hostNetwork ? "host" : null,
                ExtraHosts = hostNetwork ? null : ["host.docker.internal:host-gateway"],
                Binds = [.. spec.Binds.Select(b => $"{Path.GetFullPath(b.Key)}:{b.Value}")],
                PortBindings = port is null ? null : new Dictionary<string, IList<PortBinding>>
                {
                    [port] = [new PortBinding { HostIP = "127.0.0.1", HostPort = port[..port.IndexOf('/')] }],
                },
            },
            ExposedPorts = port is null ? null : new Dictionary<string, EmptyStruct> { [port] = default },
        };
        var created = await _client.Containers.CreateContainerAsync(create, ct).ConfigureAwait(false);
        var run = new ContainerRun(this, created.ID, keep, _log);
        try
        {
            await _client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), ct).ConfigureAwait(false);
            _log.LogDebug("container {Id} started: {Image} {Command}", created.ID[..12], spec.Image, string.Join(' ', spec.Command));
            run.Begin(StreamLogsAsync(created.ID, onLine, run.Stopping), _client.Containers.WaitContainerAsync(created.ID, run.Stopping));
            return run;
        }
        catch
        {
            await run.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StreamLogsAsync(string id, Action<string> onLine, CancellationToken ct)
    {
        using var stream = await _client.Containers.GetContainerLogsAsync(
            id, tty: false, new ContainerLogsParameters { Follow = true, ShowStdout = true, ShowStderr = true }, ct).ConfigureAwait(false);
        var buffer = new byte[8192];
        var lines = new Dictionary<MultiplexedStream.TargetStream, LineSplitter>();
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, ct).ConfigureAwait(false);
            if (read.EOF) break;
            if (!lines.TryGetValue(read.Target, out var splitter)) lines[read.Target] = splitter = new LineSplitter(onLine);
            splitter.Append(buffer.AsSpan(0, read.Count));
        }
        foreach (var s in lines.Values) s.Flush();
    }

    internal async Task StopAndRemoveAsync(string id, bool keep)
    {
        // Bounded: cleanup must not hang a runner that is already stopping.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _client.Containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = 5 }, cts.Token).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
            return;
        }
        if (keep)
        {
            _log.LogInformation("--keep: container {Id} is left for inspection", id[..12]);
            return;
        }
        await _client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }, cts.Token).ConfigureAwait(false);
        _log.LogDebug("container {Id} removed", id[..12]);
    }

    public void Dispose() => _client.Dispose();
}

/// <summary>Splits a byte stream into UTF-8 text lines, keeping a partial line until its end arrives.</summary>
internal sealed class LineSplitter(Action<string> onLine)
{
    private readonly Decoder _decoder = Encoding.UTF8.GetDecoder();
    private readonly StringBuilder _line = new();

    public void Append(ReadOnlySpan<byte> bytes)
    {
        Span<char> chars = stackalloc char[Encoding.UTF8.GetMaxCharCount(Math.Min(bytes.Length, 1024))];
        while (!bytes.IsEmpty)
        {
            var take = Math.Min(bytes.Length, 1024);
            var n = _decoder.GetChars(bytes[..take], chars, flush: false);
            bytes = bytes[take..];
            foreach (var ch in chars[..n])
            {
                if (ch == '\n')
                {
                    Emit();
                }
                else if (ch != '\r')
                {
                    _line.Append(ch);
                }
            }
        }
    }

    public void Flush()
    {
        if (_line.Length > 0) Emit();
    }

    private void Emit()
    {
        onLine(_line.ToString());
        _line.Clear();
    }
}
