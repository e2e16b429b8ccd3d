using System.Diagnostics;
using WebSocketKit.Protocol;
using Xunit;

namespace WebSocketKit.ClientTests;

/// <summary>The echo server process shuts down gracefully on SIGTERM: its clients see Close 1001 and it exits 0.</summary>
public class EchoServerSignalTests
{
    [Fact]
    public async Task Sigterm_closes_every_connection_with_1001_and_exits_cleanly()
    {
        if (OperatingSystem.IsWindows()) return; // signals are POSIX; the suite runs on Linux
        using var server = await EchoServerProcess.StartAsync();
        var conns = await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ =>
        {
            var (c, _) = await new Dialer().DialAsync(server.Uri(), cancellationToken: Bounds.Token());
            await c.WriteMessageAsync(MessageType.Text, "up?"u8.ToArray(), Bounds.Token());
            await c.ReadMessageAsync(Bounds.Token());
            return c;
        }));
        var reads = conns.Select(c => Assert.ThrowsAsync<CloseException>(async () => await c.ReadMessageAsync(Bounds.Token()))).ToArray();

        using (var kill = Process.Start("kill", ["-TERM", server.Process.Id.ToString()])) await kill.WaitForExitAsync(Bounds.Token());

        Assert.All(await Task.WhenAll(reads).WaitAsync(Bounds.Step), e => Assert.Equal(CloseStatus.GoingAway, e.Code));
        await server.Process.WaitForExitAsync(Bounds.Token());
        Assert.Equal(0, server.Process.ExitCode);
        await Task.WhenAll(conns.Select(c => c.DisposeAsync().AsTask()));
    }
}
