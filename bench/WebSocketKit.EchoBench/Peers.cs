using System.Diagnostics;
using System.Text.Json;

namespace WebSocketKit.EchoBench;

/// <summary>
/// The real peers (gorilla/websocket, Node ws, Python websockets): each is a small program of ours
/// in bench/peers/ that runs its own client against its own server on 127.0.0.1 and prints one JSON
/// object. A peer that is not installed is skipped with a note; bench/peers/build.sh installs them.
/// The deflate shapes send the same message bytes as the .NET side: the sets are written to a
/// temporary directory (each message as a 4-byte little-endian length, then its bytes) that every peer reads.
/// </summary>
internal static class Peers
{
    /// <param name="Scale">Fraction of the common counts this peer runs: the slow one runs fewer, so the peers part stays short.</param>
    private sealed record Peer(string Label, string File, string[] Command, Dictionary<string, string> Environment, double Scale = 1);

    /// <summary>A shape as the peer programs name it (their --key option and JSON key) and as the table does.</summary>
    private sealed record PeerShape(string Key, string Name, int Count, byte[][]? Payloads = null);

    /// <summary>What each library does with permessage-deflate at the settings the peers run: read from the installed sources.</summary>
    private static readonly Dictionary<string, string> Compression = new()
    {
        ["gorilla"] = "gorilla (1.5.0) supports permessage-deflate only without context takeover (its client offers server_ and client_no_context_takeover) and compresses at Go's flate level 1 by default",
        ["node ws"] = "node ws (8.11) at its perMessageDeflate defaults: window 15 with context takeover, zlib's default level (6), messages under its 1024 B threshold sent uncompressed (all these are larger)",
        ["python websockets"] = "python websockets (10.4) at its compression defaults: its server asks for window 12 both ways (server_ and client_max_window_bits=12) with context takeover, zlib level 6 at memLevel 5",
    };

    /// <summary>
    /// Notes for the report, by shape name: how each peer compresses, what a peer left out, which peer failed.
    /// Printed to stderr; Report can add them to the matching shape's findings.
    /// </summary>
    public static List<(string Shape, string Note)> Notes { get; } = [];

    public static async Task<List<(string Peer, string Shape, Dictionary<string, double> Figures)>> RunAllAsync(BenchOptions opts, Func<int, int> n)
    {
        var dir = Path.GetFullPath(opts.PeersDir);
        Peer[] peers =
        [
            new("gorilla", Path.Combine(dir, "gorilla/gorilla-echo"), [Path.Combine(dir, "gorilla/gorilla-echo")], []),
            new("node ws", "/usr/share/nodejs/ws/package.json", ["node", Path.Combine(dir, "node/echo.js")], new() { ["NODE_PATH"] = "/usr/share/nodejs" }),
            new("python websockets", "/usr/lib/python3/dist-packages/websockets/__init__.py", ["/usr/bin/python3", Path.Combine(dir, "python/echo.py")], [], Scale: 0.5),
        ];
        // About a quarter to a half of the .NET counts (Program.cs): each peer's whole run stays in seconds.
        List<PeerShape> shapes =
        [
            new("rt64", "64 B round trips", n(10000)),
            new("pipe64", "64 B pipelined", n(50000)),
            new("pipe1k", "1 KiB pipelined", n(25000)),
            new("pipe64k", "64 KiB pipelined", n(1000)),
            new("pipe1m", "1 MiB pipelined", n(100)),
            new("conn1", "1 connection", n(10000)),
            new("conn100", "100 connections", n(200)),
            new("conn1000", "1000 connections", n(30)),
        ];
        if (opts.Compression)
        {
            string[] keys = ["deflate_random16k", "deflate_json4k", "deflate_json64k"];
            int[] counts = [n(2000), n(5000), n(500)];
            foreach (var (((name, messages), key), count) in Payloads.DeflateSets().Zip(keys).Zip(counts))
                shapes.Add(new(key, name, count, messages));
        }
        var payloadDir = Directory.CreateTempSubdirectory("echo-peers-");
        try
        {
            foreach (var s in shapes)
                if (s.Payloads is not null) WritePayloads(Path.Combine(payloadDir.FullName, s.Key + ".bin"), s.Payloads);
            var results = new List<(string Peer, string Shape, Dictionary<string, double> Figures)>();
            foreach (var peer in peers)
            {
                if (!File.Exists(peer.File))
                {
                    Note(shapes[0].Name, $"{peer.Label} not installed ({peer.File} missing; bench/peers/build.sh installs it)");
                    continue;
                }
                var args = new List<string> { "--payloads", payloadDir.FullName };
                foreach (var s in shapes) args.AddRange(["--" + s.Key, Math.Max(1, (int)(s.Count * peer.Scale)).ToString()]);
                if (peer.Scale != 1)
                    Note(shapes[0].Name, $"{peer.Label} runs {peer.Scale * 100:F0}% of the other peers' counts in every shape (it is the slowest; this keeps the peers part short)");
                await RunRoundsAsync(peer, args, shapes, opts, results);
                if (shapes.Find(s => s.Payloads is not null) is { } firstDeflate && results.Any(r => r.Peer == peer.Label && r.Shape == firstDeflate.Name))
                    Note(firstDeflate.Name, "peers' compression (all deflate shapes): " + Compression[peer.Label]);
            }
            return results;
        }
        finally
        {
            payloadDir.Delete(recursive: true);
        }
    }

    private static async Task RunRoundsAsync(Peer peer, List<string> args, List<PeerShape> shapes, BenchOptions opts, List<(string Peer, string Shape, Dictionary<string, double> Figures)> results)
    {
        for (int round = 0; round < opts.Rounds; round++)
        {
            try
            {
                var json = await RunAsync(peer, args, TimeSpan.FromSeconds(opts.Quick ? 60 : 120));
                using var doc = JsonDocument.Parse(json);
                foreach (var shape in doc.RootElement.EnumerateObject())
                {
                    var figures = shape.Value.EnumerateObject().ToDictionary(f => FigureName(f.Name), f => f.Value.GetDouble());
                    results.Add((peer.Label, shapes.Find(s => s.Key == shape.Name)?.Name ?? shape.Name, figures));
                }
            }
            catch (Exception e) when (e is InvalidOperationException or JsonException or TimeoutException or System.ComponentModel.Win32Exception)
            {
                Note(shapes[0].Name, $"{peer.Label} failed in round {round + 1}, its later rounds left out: {e.Message}");
                return;
            }
        }
        Console.Error.WriteLine($"  peer {peer.Label}: done");
    }

    private static void Note(string shape, string note)
    {
        Notes.Add((shape, note));
        Console.Error.WriteLine($"  peers, {shape}: {note}");
    }

    private static void WritePayloads(string path, byte[][] messages)
    {
        using var file = File.Create(path);
        Span<byte> length = stackalloc byte[4];
        foreach (var m in messages)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, m.Length);
            file.Write(length);
            file.Write(m);
        }
    }

    /// <summary>The table's name for a figure the peer programs print (rt_per_s is rt/s, and so on).</summary>
    public static string FigureName(string key) => key switch
    {
        "rt_per_s" => "rt/s",
        "p50_us" => "p50 µs",
        "p99_us" => "p99 µs",
        "msgs_per_s" => "msgs/s",
        "mb_per_s" => "MB/s",
        "wire_b_per_msg" => "wire B/msg",
        "client_cpu_busy" => ServerTables.ClientCpu,
        "client_segs_per_msg" => ServerTables.ClientSegments,
        _ => key,
    };

    private static Task<string> RunAsync(Peer peer, IEnumerable<string> args, TimeSpan bound)
        => RunProgramAsync(peer.Label, peer.Command, peer.Environment, args, bound);

    /// <summary>Runs a program to its end (bounded) and returns its stdout; a non-zero exit or the bound throws.</summary>
    public static async Task<string> RunProgramAsync(string label, IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment,
        IEnumerable<string> args, TimeSpan bound, CancellationToken token = default)
    {
        var psi = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in command.Skip(1).Concat(args)) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + command[0]);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(token);
        cts.CancelAfter(bound);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            token.ThrowIfCancellationRequested();
            throw new TimeoutException($"{label} did not finish within {bound.TotalSeconds:F0} s");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"{label} exited with {process.ExitCode}: {(await stderr).Trim()}");
        return await stdout;
    }
}
