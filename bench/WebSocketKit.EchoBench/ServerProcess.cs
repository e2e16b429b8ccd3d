using System.Diagnostics;
using System.Reflection;

namespace WebSocketKit.EchoBench;

/// <summary>
/// An echo server in a process of its own, for the server-only tables and the memory figures: every
/// server program prints "listening 127.0.0.1:PORT" on stdout when it is ready (ours, this tool's
/// System.Net.WebSockets mode, gorilla-echo --serve, node echo.js --serve). Its resident memory is
/// read from /proc, so it is the server's alone, whatever the client costs.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private ServerProcess(string label, Process process, int port)
    {
        Label = label;
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
        Port = port;
    }

    public string Label { get; }

    public int Port { get; }

    public int Pid => _process.Id;

    /// <summary>The label of another build of our echo server (--baseline DLL), to compare a change with what it changes.</summary>
    public const string Baseline = "ours (baseline)";

    /// <summary>A server program: how to start it, and whether it is installed.</summary>
    public sealed record Program(string Label, string File, string[] Command, Dictionary<string, string> Environment)
    {
        public bool Installed => System.IO.File.Exists(File);

        public string Missing => $"{Label} not installed ({File} missing)";
    }

    /// <summary>
    /// The servers the tables compare: ours (the echo server, impl/WebSocketKit.EchoServer, built next to this
    /// tool), System.Net.WebSockets (this tool with --serve systemnet), gorilla and Node ws; with --baseline, another
    /// build of our echo server too.
    /// <paramref name="compress"/> asks ours and System.Net to accept permessage-deflate (gorilla and node ws accept it as run).
    /// </summary>
    public static Program[] Programs(BenchOptions opts, bool compress = false)
    {
        var dir = Path.GetFullPath(opts.PeersDir);
        string[] Ours(string dll) => compress ? ["dotnet", dll, "--port", "0", "--log-level", "Warning", "--compress"] : ["dotnet", dll, "--port", "0", "--log-level", "Warning"];
        string echoServer = Path.Combine(AppContext.BaseDirectory, "WebSocketKit.EchoServer.dll");
        Program[] baseline = opts.Baseline is { } b ? [new(Baseline, Path.GetFullPath(b), Ours(Path.GetFullPath(b)), [])] : [];
        Program[] programs =
        [
            new("ours", echoServer, Ours(echoServer), []),
            .. baseline,
            new("System.Net", Assembly.GetEntryAssembly()!.Location, compress ? [.. Self(), "--serve", "systemnet", "--compress"] : [.. Self(), "--serve", "systemnet"], []),
            new("gorilla", Path.Combine(dir, "gorilla/gorilla-echo"), [Path.Combine(dir, "gorilla/gorilla-echo"), "--serve"], []),
            new("node ws", "/usr/share/nodejs/ws/package.json", ["node", Path.Combine(dir, "node/echo.js"), "--serve"], new() { ["NODE_PATH"] = "/usr/share/nodejs" }),
        ];
        return [.. programs, .. opts.Variants.Select(v => Variant(programs, v))];
    }

    /// <summary>
    /// A further server from --variant "SERVER:NAME=VALUE[,NAME=VALUE]": SERVER's program with those environment
    /// variables (e.g. a runtime setting), labelled "SERVER [NAME=VALUE]": one setting's effect, measured beside
    /// the default in the same interleaved run.
    /// </summary>
    private static Program Variant(Program[] programs, string spec)
    {
        int colon = spec.IndexOf(':');
        var of = colon > 0 ? programs.FirstOrDefault(p => p.Label == spec[..colon]) : null;
        var settings = colon > 0 ? spec[(colon + 1)..].Split(',') : [];
        if (of is null || settings.Length == 0 || settings.Any(e => e.IndexOf('=') <= 0))
            throw new ArgumentException($"--variant wants SERVER:NAME=VALUE[,NAME=VALUE] with SERVER one of {string.Join(", ", programs.Select(p => p.Label))}: {spec}");
        var environment = new Dictionary<string, string>(of.Environment);
        foreach (var e in settings) environment[e[..e.IndexOf('=')]] = e[(e.IndexOf('=') + 1)..];
        return of with { Label = $"{of.Label} [{string.Join(", ", settings)}]", Environment = environment };
    }

    // This tool again: "dotnet tool.dll" (how `dotnet run` and the Makefile start it) or its own apphost.
    private static string[] Self()
    {
        string dll = Assembly.GetEntryAssembly()!.Location;
        string? host = Environment.ProcessPath;
        return host is not null && !Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.Ordinal)
            ? [host]
            : ["dotnet", dll];
    }

    /// <summary>Starts <paramref name="program"/> and waits (bounded) for the line that names its port.</summary>
    public static async Task<ServerProcess> StartAsync(Program program, TimeSpan bound)
    {
        var psi = new ProcessStartInfo(program.Command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in program.Command.Skip(1)) psi.ArgumentList.Add(a);
        foreach (var (k, v) in program.Environment) psi.Environment[k] = v;
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + program.Command[0]);
        try
        {
            using var cts = new CancellationTokenSource(bound);
            while (true)
            {
                string? line = await process.StandardOutput.ReadLineAsync(cts.Token);
                if (line is null)
                    throw new InvalidOperationException($"{program.Label} exited before listening: {(await process.StandardError.ReadToEndAsync()).Trim()}");
                if (line.StartsWith("listening ", StringComparison.Ordinal))
                {
                    int port = int.Parse(line[(line.LastIndexOf(':') + 1)..]);
                    // The rest of stdout is drained so the server never blocks on a full pipe.
                    _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
                    return new ServerProcess(program.Label, process, port);
                }
            }
        }
        catch
        {
            Stop(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>The server's resident set (VmRSS in /proc/PID/status), in bytes.</summary>
    public long RssBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]) * 1024;
        throw new InvalidOperationException("no VmRSS in /proc/" + Pid + "/status");
    }

    /// <summary>
    /// Samples the resident set every 250 ms until the samples of the last 3 s stay within 1% of each other
    /// (the server has finished what the last client step started, its runtime's deferred work included:
    /// our echo server compacts its heap 1 s after a burst of opens or closes), or <paramref name="bound"/>
    /// passes; returns the last sample and whether it settled.
    /// </summary>
    public async Task<(long Rss, bool Settled)> SettledRssAsync(TimeSpan bound)
    {
        const int Samples = 12;
        var clock = Stopwatch.StartNew();
        var window = new Queue<long>();
        long last = RssBytes();
        while (clock.Elapsed < bound)
        {
            await Task.Delay(250);
            last = RssBytes();
            window.Enqueue(last);
            if (window.Count > Samples) window.Dequeue();
            if (window.Count == Samples && window.Max() - window.Min() <= window.Max() / 100) return (last, true);
        }
        return (last, false);
    }

    /// <summary>
    /// CPU time the server process has used so far, user and kernel, all its threads (utime + stime in
    /// /proc/PID/stat, in clock ticks of 10 ms): what serving cost it, whatever else the machine was doing.
    /// </summary>
    public TimeSpan CpuTime()
    {
        string stat = File.ReadAllText($"/proc/{Pid}/stat");
        // The command name (field 2) may hold spaces; the fields after its closing parenthesis are plain.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11]) + long.Parse(fields[12]); // utime and stime: fields 14 and 15 of the whole line
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    public bool HasExited => _process.HasExited;

    public async Task<string> ExitReasonAsync() => $"exited with {_process.ExitCode}: {(await _stderr).Trim()}";

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
    }

    public async ValueTask DisposeAsync()
    {
        Stop(_process);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { }
        _process.Dispose();
    }
}
