using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Autobahn.Runner;

/// <summary>
/// Our standalone echo server (impl/WebSocketKit.EchoServer) as the server under test: started as a child process
/// on a free loopback port (it prints "listening 127.0.0.1:PORT" once it accepts), stopped when disposed.
/// </summary>
public sealed partial class OurEchoServer : IAsyncDisposable
{
    public const string Project = "impl/WebSocketKit.EchoServer";
    public const string DefaultAgent = "websocketkit-server";

    private readonly LocalProcess _process;

    private OurEchoServer(LocalProcess process, int port, bool compression)
    {
        _process = process;
        Url = $"ws://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/";
        Compression = compression;
    }

    public string Url { get; }

    public bool Compression { get; }

    /// <summary>The server's .dll if it has been built, else null; the caller says what is missing.</summary>
    public static string? Locate(string? explicitCommand) =>
        explicitCommand is not null
            ? (File.Exists(explicitCommand) ? Path.GetFullPath(explicitCommand) : null)
            : RepoBuild.Output(Project, "WebSocketKit.EchoServer.dll");

    public static async Task<OurEchoServer> StartAsync(string command, bool compression, ILogger log, TimeSpan timeout, CancellationToken ct)
    {
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        string[] args = ["--port", "0", "--log-level", "Warning", .. compression ? ["--compress"] : Array.Empty<string>()];
        var process = LocalProcess.Start(command, args, line =>
        {
            if (Listening().Match(line) is { Success: true } m) listening.TrySetResult(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            else log.LogDebug("echo server: {Line}", line);
        });
        try
        {
            var port = await Task.WhenAny(listening.Task, process.Exited).WaitAsync(timeout, ct).ConfigureAwait(false) == listening.Task
                ? await listening.Task.ConfigureAwait(false)
                : throw new RunnerException($"our echo server ({command}) exited with code {await process.Exited.ConfigureAwait(false)} before listening; run with --verbose to see its output");
            var server = new OurEchoServer(process, port, compression);
            log.LogInformation("our echo server listens at {Url} (permessage-deflate {State})", server.Url, compression ? "on" : "off");
            return server;
        }
        catch (TimeoutException)
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw new RunnerException($"our echo server ({command}) did not report its port within {timeout.TotalSeconds:0}s");
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    [GeneratedRegex(@"^listening 127\.0\.0\.1:(\d+)$")]
    private static partial Regex Listening();
}
