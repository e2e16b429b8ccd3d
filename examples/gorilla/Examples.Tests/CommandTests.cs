using Examples.Command;
using WebSocketKit;
using WebSocketKit.Protocol;

namespace Examples.Tests;

public sealed class CommandTests
{
    private static Task<ExampleHost> StartAsync(string script, CommandOptions? options = null)
        => ExampleHost.StartAsync(addr => CommandServer.Build(addr, "/bin/sh", ["-c", script], options));

    /// <summary>The first line of the scripts below is the process id ("pid:123").</summary>
    private static async Task<int> ProcessIdAsync(Peer peer)
    {
        string first = await peer.NextAsync();
        Assert.StartsWith("pid:", first);
        return int.Parse(first["pid:".Length..]);
    }

    // Reaped processes leave /proc; the server waits for (and so reaps) every process it starts.
    private static Task ProcessEndsAsync(int pid) => Limits.UntilAsync(() => !Directory.Exists($"/proc/{pid}"), $"process {pid} ended");

    [Fact]
    public async Task Lines_go_through_cat_and_back_and_cat_ends_when_the_socket_closes()
    {
        await using var host = await StartAsync("echo pid:$$; exec cat");
        await using var peer = await Peer.DialAsync(host.Ws("/ws"));
        int pid = await ProcessIdAsync(peer);

        foreach (var line in new[] { "hello", "ünïcödé ✓", "" })
        {
            await peer.SendAsync(line);
            Assert.Equal(line, await peer.NextAsync());
        }
        Assert.True(Directory.Exists($"/proc/{pid}"));
        await peer.Conn.CloseAsync().AsTask().WaitAsync(Limits.Step);
        await ProcessEndsAsync(pid);
    }

    [Fact]
    public async Task Output_and_errors_arrive_then_the_exit_closes_the_socket()
    {
        await using var host = await StartAsync("echo out; echo err >&2; exit 3");
        await using var peer = await Peer.DialAsync(host.Ws("/ws"));
        // The two pipes are read side by side: their lines may arrive in either order.
        string[] lines = [await peer.NextAsync(), await peer.NextAsync()];
        Assert.Equal(["err", "out"], lines.Order());
        var closed = CloseMessages.AsClose(await peer.EndAsync());
        Assert.Equal(CloseStatus.NormalClosure, closed?.Code);
        Assert.Equal("process exited", closed?.Text);
    }

    [Fact]
    public async Task A_process_that_ignores_its_closed_input_is_killed_after_the_grace_period()
    {
        await using var host = await StartAsync("echo pid:$$; exec sleep 60", new CommandOptions { ExitGrace = TimeSpan.FromMilliseconds(200) });
        await using var peer = await Peer.DialAsync(host.Ws("/ws"));
        int pid = await ProcessIdAsync(peer);
        await peer.Conn.CloseAsync().AsTask().WaitAsync(Limits.Step);
        await ProcessEndsAsync(pid);
    }
}
