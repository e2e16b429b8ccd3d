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
        var dll = Path.Combine(AppContext.BaseDirectory, "WebSocketKit.EchoServer.dll");
        using var process = Process.Start(new ProcessStartInfo("dotnet", [dll, "--port", "0", "--log-level", "Warning"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        try
        {
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            // The server prints "listening 127.0.0.1:PORT" once it accepts.
            string? line;
            do line = await process.StandardOutput.ReadLineAsync(Bounds.Token());
            while (line is not null && !line.StartsWith("listening ", StringComparison.Ordinal));
            Assert.NotNull(line);
            var uri = new Uri($"ws://{line["listening ".Length..]}/");
            var conns = await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ =>
            {
                var (c, _) = await new Dialer().DialAsync(uri, cancellationToken: Bounds.Token());
                await c.WriteMessageAsync(MessageType.Text, "up?"u8.ToArray(), Bounds.Token());
                await c.ReadMessageAsync(Bounds.Token());
                return c;
            }));
            var reads = conns.Select(c => Assert.ThrowsAsync<CloseException>(async () => await c.ReadMessageAsync(Bounds.Token()))).ToArray();

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()])) await kill.WaitForExitAsync(Bounds.Token());

            Assert.All(await Task.WhenAll(reads).WaitAsync(Bounds.Step), e => Assert.Equal(CloseStatus.GoingAway, e.Code));
            await process.WaitForExitAsync(Bounds.Token());
            Assert.Equal(0, process.ExitCode);
            await Task.WhenAll(conns.Select(c => c.DisposeAsync().AsTask()));
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
    }
}
