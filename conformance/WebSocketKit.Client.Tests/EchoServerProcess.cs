using System.Diagnostics;
using System.Text;

namespace WebSocketKit.ClientTests;

/// <summary>
/// The echo server's executable (its build, copied next to the tests) as a child process on a free loopback port:
/// started with the given options, ready once it prints "listening 127.0.0.1:PORT", killed when disposed.
/// </summary>
internal sealed class EchoServerProcess : IDisposable
{
    private readonly StringBuilder _errors = new();

    private EchoServerProcess(Process process) => Process = process;

    public Process Process { get; }

    public int Port { get; private set; }

    /// <summary>What the server wrote to stderr so far.</summary>
    public string Errors { get { lock (_errors) return _errors.ToString(); } }

    public Uri Uri(string scheme = "ws") => new($"{scheme}://127.0.0.1:{Port}/");

    public static ProcessStartInfo StartInfo(params string[] args) =>
        new("dotnet", [Path.Combine(AppContext.BaseDirectory, "WebSocketKit.EchoServer.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

    /// <summary>Starts the server with <paramref name="args"/> (plus --port 0) and waits for its listening line.</summary>
    public static async Task<EchoServerProcess> StartAsync(params string[] args)
    {
        var server = new EchoServerProcess(Process.Start(StartInfo(["--port", "0", "--log-level", "Warning", .. args]))!);
        try
        {
            server.Process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (server._errors) server._errors.AppendLine(e.Data); };
            server.Process.BeginErrorReadLine();
            string? line;
            do line = await server.Process.StandardOutput.ReadLineAsync(Bounds.Token());
            while (line is not null && !line.StartsWith("listening ", StringComparison.Ordinal));
            if (line is null)
            {
                await server.Process.WaitForExitAsync(Bounds.Token());
                throw new InvalidOperationException($"the echo server exited ({server.Process.ExitCode}) before listening: {server.Errors}");
            }
            server.Port = int.Parse(line[(line.LastIndexOf(':') + 1)..]);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Reads the server's standard output on from its listening line until a line containing <paramref name="text"/>.</summary>
    public async Task<string> OutputLineAsync(string text)
    {
        while (await Process.StandardOutput.ReadLineAsync(Bounds.Token()) is { } line)
            if (line.Contains(text, StringComparison.Ordinal)) return line;
        throw new InvalidOperationException($"the echo server ended its output without a line containing '{text}': {Errors}");
    }

    /// <summary>Runs the server with options it must refuse: its exit code and stderr.</summary>
    public static async Task<(int ExitCode, string Errors)> RefuseAsync(params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        var errors = process.StandardError.ReadToEndAsync(Bounds.Token());
        var output = process.StandardOutput.ReadToEndAsync(Bounds.Token());
        await process.WaitForExitAsync(Bounds.Token());
        await output;
        return (process.ExitCode, await errors);
    }

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill();
        Process.Dispose();
    }
}
