using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Autobahn.Runner.Tests;

/// <summary>
/// The runner's container lifecycle against a real Docker engine, with a locally built probe image: labelled
/// containers on the host network with /config and /reports mounted, output streamed, stopped and removed on
/// cancel, kept on request, leftovers removed. (The end-to-end test with the engine's wstest image comes with it.)
/// All in one class: xunit runs a class's tests one after another, and leftover removal is machine-wide.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class DockerLifecycleTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private readonly CancellationTokenSource _cts = new(Bound);
    private readonly DirectoryInfo _config = Directory.CreateTempSubdirectory("lifecycle-config-");
    private readonly DirectoryInfo _reports = Directory.CreateTempSubdirectory("lifecycle-reports-");
    private DockerEngine _docker = null!;
    private string _image = null!;

    public async Task InitializeAsync()
    {
        try
        {
            _docker = await DockerEngine.ConnectAsync(DockerEngine.DefaultEndpoint(), NullLogger.Instance, _cts.Token);
            _image = await ProbeImage.EnsureAsync(_docker, _cts.Token);
            await _docker.RemoveLeftoversAsync(_cts.Token);
        }
        catch
        {
            // xunit does not dispose a fixture whose initialisation failed: clean up here.
            _docker?.Dispose();
            DeleteFolders();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        await _docker.RemoveLeftoversAsync(CancellationToken.None);
        _docker.Dispose();
        DeleteFolders();
        _cts.Dispose();
    }

    private void DeleteFolders()
    {
        foreach (var dir in new[] { _config.FullName, _reports.FullName })
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private ContainerSpec Spec(params string[] args) => new(
        _image, [ProbeImage.Command, .. args],
        new Dictionary<string, string> { [_config.FullName] = "/config", [_reports.FullName] = "/reports" });

    [DockerFact]
    public async Task A_run_is_labelled_on_the_host_network_with_both_mounts_streams_its_output_and_is_removed()
    {
        var lines = new ConcurrentQueue<string>();
        var run = await _docker.StartAsync(Spec("write", "probe.txt", "written in the container"), lines.Enqueue, keep: false, _cts.Token);
        long exit;
        await using (run)
        {
            exit = await run.Exited.WaitAsync(_cts.Token);
            var inspect = await _docker.Client.Containers.InspectContainerAsync(run.Id, _cts.Token);
            Assert.Equal("1", inspect.Config.Labels[ContainerSpec.RunnerLabel]);
            Assert.Equal("host", inspect.HostConfig.NetworkMode);
            Assert.Equal(HostUser.ForContainer() ?? "", inspect.Config.User); // a non-root runner's uid:gid owns the reports
            Assert.Contains(inspect.Mounts, m => m.Destination == "/config" && m.Source == _config.FullName);
            Assert.Contains(inspect.Mounts, m => m.Destination == "/reports" && m.Source == _reports.FullName);
        }

        Assert.Equal(3, exit);
        Assert.Equal("written in the container", File.ReadAllText(Path.Combine(_reports.FullName, "probe.txt")));
        Assert.Contains("probe stdout: wrote probe.txt", lines);
        Assert.Contains("probe stderr: done", lines);
        Assert.DoesNotContain(await _docker.ListOursAsync(_cts.Token), c => c.ID == run.Id);
    }

    [DockerFact]
    public async Task Cancelling_a_run_stops_and_removes_its_container()
    {
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token);
        string id;
        var run = await _docker.StartAsync(Spec("wait"), line => { if (line == "waiting") waiting.TrySetResult(); }, keep: false, cancel.Token);
        await using (run)
        {
            id = run.Id;
            await waiting.Task.WaitAsync(_cts.Token);
            await cancel.CancelAsync(); // what Ctrl-C does to the runner's token
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.Exited.WaitAsync(cancel.Token));
        }

        Assert.DoesNotContain(await _docker.ListOursAsync(_cts.Token), c => c.ID == id);
    }

    [DockerFact]
    public async Task Keep_leaves_the_container_and_the_next_run_removes_it_as_a_leftover()
    {
        var run = await _docker.StartAsync(Spec("write", "kept.txt", "x"), _ => { }, keep: true, _cts.Token);
        await using (run)
        {
            await run.Exited.WaitAsync(_cts.Token);
        }
        var kept = Assert.Single(await _docker.ListOursAsync(_cts.Token), c => c.ID == run.Id);
        Assert.Equal("exited", kept.State);

        Assert.True(await _docker.RemoveLeftoversAsync(_cts.Token) >= 1);

        Assert.Empty(await _docker.ListOursAsync(_cts.Token));
    }

    [DockerFact]
    public async Task An_image_without_wstest_is_a_clear_error_and_leaves_no_container()
    {
        // A listening target, so the runner gets as far as starting the suite.
        using var target = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        target.Start();
        var options = new RunnerOptions
        {
            Mode = RunMode.Server,
            Target = $"ws://127.0.0.1:{((System.Net.IPEndPoint)target.LocalEndpoint).Port}/",
            Engine = EngineChoice.Docker,
            Image = _image,
            ReportsDirectory = _reports.FullName,
        };
        var log = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(log));

        var exit = await RunnerApp.RunAsync(options, factory, _cts.Token);

        Assert.Equal(RunnerApp.CannotRun, exit);
        Assert.Contains(log.Messages, m => m.Contains("wstest", StringComparison.Ordinal) && m.Contains(_image, StringComparison.Ordinal));
        Assert.Empty(await _docker.ListOursAsync(_cts.Token));
        Assert.False(File.Exists(Path.Combine(_reports.FullName, "servers", "index.json")));
    }

    [DockerFact]
    public async Task An_image_that_is_neither_local_nor_pullable_says_what_to_do()
    {
        var ex = await Assert.ThrowsAsync<RunnerException>(() => _docker.EnsureImageAsync("ws-conformance-no-such-image:none", _cts.Token));
        Assert.Contains("cannot be pulled", ex.Message);
        Assert.Contains("--engine builtin", ex.Message);
    }
}
