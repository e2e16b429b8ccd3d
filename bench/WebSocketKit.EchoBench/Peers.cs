using System.Diagnostics;
using System.Text.Json;

namespace WebSocketKit.EchoBench;

/// <summary>
/// The real peers (gorilla/websocket, Node ws, Python websockets): each is a small program of ours
/// in bench/peers/ that runs its own client against its own server on 127.0.0.1 and prints one JSON
/// object. A peer that is not installed is skipped with a note; bench/peers/build.sh installs them.
/// </summary>
internal static class Peers
{
    private sealed record Peer(string Label, string File, string[] Command, Dictionary<string, string> Environment);

    public static async Task<List<(string Peer, string Shape, Dictionary<string, double> Figures)>> RunAllAsync(BenchOptions opts, Func<int, int> n)
    {
        var dir = Path.GetFullPath(opts.PeersDir);
        Peer[] peers =
        [
            new("gorilla", Path.Combine(dir, "gorilla/gorilla-echo"), [Path.Combine(dir, "gorilla/gorilla-echo")], []),
            new("node ws", "/usr/share/nodejs/ws/package.json", ["node", Path.Combine(dir, "node/echo.js")], new() { ["NODE_PATH"] = "/usr/share/nodejs" }),
            new("python websockets", "/usr/lib/python3/dist-packages/websockets/__init__.py", ["/usr/bin/python3", Path.Combine(dir, "python/echo.py")], []),
        ];
        string[] counts = ["--rt", n(10000).ToString(), "--pipe64", n(50000).ToString(), "--pipe64k", n(1000).ToString()];
        var results = new List<(string, string, Dictionary<string, double>)>();
        foreach (var peer in peers)
        {
            if (!File.Exists(peer.File))
            {
                Console.Error.WriteLine($"  peer {peer.Label}: not installed ({peer.File} missing; bench/peers/build.sh installs it)");
                continue;
            }
            for (int round = 0; round < opts.Rounds; round++)
            {
                try
                {
                    var json = await RunAsync(peer, counts, TimeSpan.FromSeconds(opts.Quick ? 60 : 120));
                    using var doc = JsonDocument.Parse(json);
                    foreach (var shape in doc.RootElement.EnumerateObject())
                    {
                        var figures = shape.Value.EnumerateObject().ToDictionary(f => FigureName(f.Name), f => f.Value.GetDouble());
                        results.Add((peer.Label, ShapeName(shape.Name), figures));
                    }
                }
                catch (Exception e) when (e is InvalidOperationException or JsonException or TimeoutException or System.ComponentModel.Win32Exception)
                {
                    Console.Error.WriteLine($"  peer {peer.Label} failed: {e.Message}");
                    break;
                }
            }
            Console.Error.WriteLine($"  peer {peer.Label}: done");
        }
        return results;
    }

    private static string ShapeName(string key) => key switch
    {
        "rt64" => "64 B round trips",
        "pipe64" => "64 B pipelined",
        "pipe64k" => "64 KiB pipelined",
        _ => key,
    };

    private static string FigureName(string key) => key switch
    {
        "rt_per_s" => "rt/s",
        "p50_us" => "p50 µs",
        "p99_us" => "p99 µs",
        "msgs_per_s" => "msgs/s",
        "mb_per_s" => "MB/s",
        _ => key,
    };

    private static async Task<string> RunAsync(Peer peer, string[] args, TimeSpan bound)
    {
        var psi = new ProcessStartInfo(peer.Command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in peer.Command.Skip(1).Concat(args)) psi.ArgumentList.Add(a);
        foreach (var (k, v) in peer.Environment) psi.Environment[k] = v;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + peer.Command[0]);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(bound);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{peer.Label} did not finish within {bound.TotalSeconds:F0} s");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"{peer.Label} exited with {process.ExitCode}: {(await stderr).Trim()}");
        return await stdout;
    }
}
