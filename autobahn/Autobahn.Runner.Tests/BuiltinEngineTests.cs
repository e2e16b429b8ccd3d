using System.Collections.Concurrent;
using Xunit;

namespace Autobahn.Runner.Tests;

/// <summary>
/// The built-in engine's process plumbing (output lines, exit code, stop on dispose), exercised with /bin/sh as
/// the command: the engine's own wstest is another issue's, and /bin/sh here gives no verdict, only a process.
/// </summary>
public class BuiltinEngineTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static BuiltinSuiteEngine Shell() => new("/bin/sh", "/tmp/config", "/tmp/reports");

    [Fact]
    public async Task Both_output_streams_arrive_as_lines_and_the_exit_code_is_kept()
    {
        using var cts = new CancellationTokenSource(Bound);
        var lines = new ConcurrentQueue<string>();
        await using var process = await Shell().StartAsync(["-c", "echo out; echo err 1>&2; exit 5"], lines.Enqueue, null, cts.Token);

        Assert.Equal(5, await process.Exited.WaitAsync(cts.Token));
        Assert.Equal(["err", "out"], lines.Order());
    }

    [Fact]
    public async Task Disposing_a_running_engine_ends_its_process()
    {
        using var cts = new CancellationTokenSource(Bound);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = await Shell().StartAsync(["-c", "echo ready; exec sleep 60"], l => { if (l == "ready") ready.TrySetResult(); }, null, cts.Token);
        await ready.Task.WaitAsync(cts.Token);

        await process.DisposeAsync().AsTask().WaitAsync(cts.Token);

        Assert.True(process.Exited.IsCompleted);
    }

    [Fact]
    public void Paths_are_the_hosts()
    {
        var engine = Shell();
        Assert.Equal("/tmp/config/fuzzingclient.json", engine.ConfigPath("fuzzingclient.json"));
        Assert.Equal("/tmp/reports/servers", engine.ReportsPath("servers"));
        Assert.Equal("ws://127.0.0.1:9011/", engine.HostUrlAsSeenBySuite("ws://127.0.0.1:9011/"));
        Assert.Null(engine.Image);
        Assert.Equal("builtin", engine.Name);
    }

    [Fact]
    public async Task Without_a_command_the_engine_runs_in_process_with_the_official_command_line()
    {
        using var cts = new CancellationTokenSource(Bound);
        var lines = new ConcurrentQueue<string>();
        await using var process = await new BuiltinSuiteEngine(null, "/tmp/config", "/tmp/reports").StartAsync(["-a"], lines.Enqueue, null, cts.Token);

        Assert.Equal(0, await process.Exited.WaitAsync(cts.Token));
        Assert.Contains(lines, l => l.StartsWith("AutobahnEngine", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_in_process_command_line_the_official_wstest_would_refuse_cannot_run()
    {
        using var cts = new CancellationTokenSource(Bound);
        var lines = new ConcurrentQueue<string>();
        await using var process = await new BuiltinSuiteEngine(null, "/tmp/config", "/tmp/reports").StartAsync(["-m", "fuzzingclient", "--webport", "70000"], lines.Enqueue, null, cts.Token);

        Assert.Equal(2, await process.Exited.WaitAsync(cts.Token));
        Assert.Contains(lines, l => l.Contains("invalid Web port 70000", StringComparison.Ordinal));
    }
}
