using WebSocketKit.EchoBench;

// Echo load tool: our WebSocketKit against System.Net.WebSockets (and the real peers) on 127.0.0.1,
// in one process, interleaved over rounds. See bench/README.md for the shapes and how to read them.
var opts = BenchOptions.Parse(args);
var shapes = new List<ShapeResult>();
var bound = TimeSpan.FromSeconds(opts.Quick ? 40 : 90);
// The full run is sized so that `make bench` (microbenchmarks included) fits in about 15 minutes on 2 cores.
double scale = opts.Quick ? 0.25 : 0.6;
int N(int full) => Math.Max(1, (int)(full * scale));

Pair ours = new("ours", Impl.Ours, Impl.Ours);
Pair sys = new("System.Net", Impl.SystemNet, Impl.SystemNet);
Pair oursToSys = new("ours→System.Net", Impl.Ours, Impl.SystemNet);
Pair sysToOurs = new("System.Net→ours", Impl.SystemNet, Impl.Ours);
Pair raw = new("raw TCP", Impl.RawTcp, Impl.RawTcp);
Pair[] all = [ours, sys, oursToSys, sysToOurs];
Pair[] sameImpl = [ours, sys];

var m64 = Payloads.Random(64, 16);
var m1k = Payloads.Random(1024, 16);
var m64k = Payloads.Random(64 * 1024, 8);
var m1m = Payloads.Random(1 << 20, 4);

async Task<Dictionary<string, double>> OneClient(Pair p, bool compress, Func<IEchoClient, CancellationToken, Task<Dictionary<string, double>>> body, CancellationToken token)
{
    await using var server = new EchoServer(p.Server, compress);
    var client = await Clients.ConnectAsync(p.Client, server.Port, compress, token);
    try { return await body(client, token); }
    finally { await client.DisposeAsync(); }
}

Task<ShapeResult> RoundTrips(string name, Pair[] pairs, byte[][] msgs, int count)
    => Runner.RunAsync(name, "rt/s", true, pairs, opts.Rounds, bound,
        (p, warm, t) => OneClient(p, false, (c, t2) => Shapes.RoundTripsAsync(c, msgs, warm ? Math.Max(1, count / 4) : count, t2), t));

Task<ShapeResult> Pipelined(string name, string headline, Pair[] pairs, byte[][] msgs, int count, bool compress = false)
    => Runner.RunAsync(name, headline, true, pairs, opts.Rounds, bound,
        (p, warm, t) => OneClient(p, compress, (c, t2) => Shapes.PipelinedAsync(c, msgs, warm ? Math.Max(1, count / 4) : count, t2), t));

Task<ShapeResult> Concurrent(string name, int connections, int perConnection)
    => Runner.RunAsync(name, "msgs/s", true, sameImpl, opts.Rounds, bound, async (p, warm, t) =>
    {
        await using var server = new EchoServer(p.Server, false);
        var clients = await Clients.ConnectManyAsync(p.Client, server.Port, false, connections, t);
        try { return await Shapes.ConcurrentAsync(clients, m64, warm ? Math.Max(1, perConnection / 4) : perConnection, t); }
        finally { await Clients.DisposeAllAsync(clients); }
    });

Console.Error.WriteLine($"echo bench: {(opts.Quick ? "quick" : "full")}, {opts.Rounds} rounds, {Environment.ProcessorCount} cores");
async Task Shape(string name, Func<string, Task<ShapeResult>> run)
{
    if (opts.Runs(name)) shapes.Add(await run(name));
}

await Shape("64 B round trips", n => RoundTrips(n, all, m64, N(20000)));
await Shape("64 B pipelined", n => Pipelined(n, "msgs/s", all, m64, N(200000)));
await Shape("1 KiB pipelined", n => Pipelined(n, "msgs/s", all, m1k, N(100000)));
await Shape("64 KiB pipelined", n => Pipelined(n, "MB/s", all, m64k, N(4000)));
await Shape("1 MiB pipelined", n => Pipelined(n, "MB/s", [.. all, raw], m1m, N(400)));
await Shape("1 connection", n => Concurrent(n, 1, N(20000)));
await Shape("100 connections", n => Concurrent(n, 100, N(400)));
await Shape("1000 connections", n => Concurrent(n, 1000, N(60)));
await Shape("idle connection", n => Runner.RunAsync(n, "B/conn", false, all, opts.Rounds, bound,
    (p, warm, t) => Shapes.IdleAsync(p.Client, p.Server, warm ? 100 : opts.IdleConnections, t)));

if (opts.Compression)
{
    // System.Net.WebSockets compresses with DangerousDeflateOptions; ours once the pmd branch is in.
    Pair[] deflatePairs = OursEndpoints.CanCompress ? all : [sys];
    var random16k = Payloads.Random(16 * 1024, 16, seed: 3);
    var json4k = Payloads.Json(4 * 1024, 64);
    var json64k = Payloads.Json(64 * 1024, 16, seed: 4);
    foreach (var (name, msgs, count) in new[] { ("deflate random 16 KiB", random16k, N(8000)), ("deflate JSON 4 KiB", json4k, N(20000)), ("deflate JSON 64 KiB", json64k, N(2000)) })
        await Shape(name, async n =>
        {
            var r = await Pipelined(n, "MB/s", deflatePairs, msgs, count, compress: true);
            if (!OursEndpoints.CanCompress) r.Notes.Add("ours: not run, this build lacks the compression-aware Conn (OursCompression.cs needs the pmd branch)");
            return r;
        });
}

var peers = opts.Peers && opts.Only is null ? await Peers.RunAllAsync(opts, N) : [];
var report = new Report(shapes, peers, opts);
report.WriteMarkdown(opts.MarkdownPath);
report.WriteHtml(opts.HtmlPath);
Console.WriteLine(File.ReadAllText(opts.MarkdownPath));
return 0;

internal sealed record BenchOptions(bool Quick, int Rounds, bool Compression, bool Peers, string PeersDir, string MarkdownPath, string HtmlPath, int IdleConnections, string? MicroResults, string? Only)
{
    public static BenchOptions Parse(string[] args)
    {
        bool quick = args.Contains("--quick");
        string Value(string name, string fallback)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        foreach (var a in args)
            if (a.StartsWith("--") && a is not ("--quick" or "--rounds" or "--no-compression" or "--no-peers" or "--peers-dir" or "--md" or "--html" or "--idle" or "--micro" or "--only"))
                throw new ArgumentException($"unknown option {a}; options: --quick --rounds N --no-compression --no-peers --peers-dir DIR --md FILE --html FILE --idle N --micro DIR --only TEXT");
        return new BenchOptions(
            quick,
            int.Parse(Value("--rounds", quick ? "3" : "5")),
            !args.Contains("--no-compression"),
            !args.Contains("--no-peers"),
            Value("--peers-dir", "bench/peers"),
            Value("--md", "bench/results/latest.md"),
            Value("--html", "reports/bench.html"),
            int.Parse(Value("--idle", "1000")),
            args.Contains("--micro") ? Value("--micro", "") : null,
            args.Contains("--only") ? Value("--only", "") : null);
    }

    /// <summary>Whether a shape runs: all of them, or those whose name contains --only's text.</summary>
    public bool Runs(string shape) => Only is null || shape.Contains(Only, StringComparison.OrdinalIgnoreCase);
}
