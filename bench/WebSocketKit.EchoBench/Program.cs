using WebSocketKit.EchoBench;

// Echo load tool: our WebSocketKit against System.Net.WebSockets (and the real peers) on 127.0.0.1,
// in one process, interleaved over rounds. See bench/README.md for the shapes and how to read them.
var opts = BenchOptions.Parse(args);
string loadAtStart = Machine.LoadAverage();
if (opts.Serve is { } serveImpl)
{
    // A server alone, for the server-only tables and the memory figures: System.Net.WebSockets behind this tool's listener.
    if (serveImpl != "systemnet") throw new ArgumentException("--serve takes systemnet");
    await using var alone = new EchoServer(Impl.SystemNet, args.Contains("--compress"));
    Console.WriteLine($"listening 127.0.0.1:{alone.Port}");
    await Task.Delay(Timeout.Infinite);
}
if (args.Contains("--placement"))
{
    // For bench/profile/servers.sh: the CPUs the server-only tables put a server on (empty when they are not pinned).
    Console.WriteLine(CpuPlacement.Choose(opts.Pin).Placement?.Server ?? "");
    return 0;
}
// For the server-only tables this process is only a client: its thread pool's workers park at once instead of
// spinning for work (the runtime's default spins), so its CPU time (the client CPU busy row) counts work, not
// waiting. Set before the pool starts its first worker, which reads it. The in-process shapes of a full run keep
// the default: there both ends share this pool, and without spinning every hop between them waits for a parked
// thread to wake (on a VM that halts idle CPUs, 64 B round trips fell from about 25k to 9k a second), which
// measures the machine's wake-up path rather than either library. So the two never run in one process.
if (opts.ServersOnly) AppContext.SetData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", 0);
OursEndpoints.Opts.ReleaseReadBufferWhenIdle = !opts.HoldReadBuffer;
Runner.OnlyPair = opts.Pair;
Runner.Verbose = opts.Verbose;
var shapes = new List<ShapeResult>();
var bound = TimeSpan.FromSeconds(opts.Quick ? 40 : 90);
// The full run is sized so that `make bench` (microbenchmarks included) fits in about 15 minutes on 2 cores,
// plus about 30 for the --servers-only run (the server-only tables and the memory figures) that follows it.
double scale = opts.Quick ? 0.25 : 1.0;
int N(int full) => Math.Max(1, (int)(full * scale));

Pair ours = new("ours", Impl.Ours, Impl.Ours);
Pair sys = new("System.Net", Impl.SystemNet, Impl.SystemNet);
Pair oursToSys = new("ours→System.Net", Impl.Ours, Impl.SystemNet);
Pair sysToOurs = new("System.Net→ours", Impl.SystemNet, Impl.Ours);
Pair raw = new("raw TCP", Impl.RawTcp, Impl.RawTcp);
Pair oursLevel6 = new("ours (level 6)", Impl.OursLevel6, Impl.OursLevel6);
Pair[] all = [ours, sys, oursToSys, sysToOurs];
Pair[] sameImpl = [ours, sys];

var m64 = Payloads.Random(64, 16);
var m1k = Payloads.Random(1024, 16);
var m64k = Payloads.Random(64 * 1024, 8);
var m1m = Payloads.Random(RawEcho.MessageSize, 4);

async Task<Dictionary<string, double>> OneClient(Pair p, bool compress, Func<IEchoClient, EchoServer, CancellationToken, Task<Dictionary<string, double>>> body, CancellationToken token)
{
    // The compressed shapes also count the bytes the server receives: the compressed size on the wire.
    await using var server = new EchoServer(p.Server, compress, countBytes: compress);
    var client = await Clients.ConnectAsync(p.Client, server.Port, compress, token);
    try { return await body(client, server, token); }
    finally { await client.DisposeAsync(); }
}

// The short shapes (a fraction of a second per run) are the ones the scheduler moves most, so they run
// three times the rounds at a third of the count: more, finer interleaving for the same time.
const int ShortShapeRounds = 3;

Task<ShapeResult> RoundTrips(string name, Pair[] pairs, byte[][] msgs, int count)
    => Runner.RunAsync(name, "rt/s", true, pairs, opts.Rounds * ShortShapeRounds, bound,
        (p, warm, t) => OneClient(p, false, (c, _, t2) => Shapes.RoundTripsAsync(c, msgs, Math.Max(1, warm ? count / 4 : count / ShortShapeRounds), t2), t));

Task<ShapeResult> Pipelined(string name, string headline, Pair[] pairs, byte[][] msgs, int count, bool compress = false, int rounds = 1)
    => Runner.RunAsync(name, headline, true, pairs, opts.Rounds * rounds, bound,
        (p, warm, t) => OneClient(p, compress, (c, server, t2) => Shapes.PipelinedAsync(c, msgs, Math.Max(1, warm ? count / 4 : count / rounds), t2,
            compress ? () => server.BytesReceived : null), t));

Task<ShapeResult> Concurrent(string name, int connections, int perConnection, int rounds = 1)
    => Runner.RunAsync(name, "msgs/s", true, sameImpl, opts.Rounds * rounds, bound, async (p, warm, t) =>
    {
        await using var server = new EchoServer(p.Server, false);
        var clients = await Clients.ConnectManyAsync(p.Client, server.Port, false, connections, t);
        try { return await Shapes.ConcurrentAsync(clients, m64, Math.Max(1, warm ? perConnection / 4 : perConnection / rounds), t); }
        finally { await Clients.DisposeAllAsync(clients); }
    });

Console.Error.WriteLine($"echo bench: {(opts.Quick ? "quick" : "full")}, {opts.Rounds} rounds, {Environment.ProcessorCount} cores");
async Task Shape(string name, Func<string, Task<ShapeResult>> run)
{
    if (opts.Runs(name)) shapes.Add(await run(name));
}

if (opts.ServersOnly)
{
    var serverTables = await ServerTables.RunAsync(opts, N);
    var memory = opts.RssCounts.Length > 0 || opts.CompressedConnections > 0
        ? await ServerMemory.RunAsync(opts, opts.RssCounts, opts.CompressedConnections)
        : null;
    var only = new Report([], [], opts, Machine.Describe(loadAtStart), serverTables, memory);
    only.WriteMarkdown(opts.MarkdownPath);
    only.WriteHtml(opts.HtmlPath);
    Console.WriteLine(File.ReadAllText(opts.MarkdownPath));
    return 0;
}

await Shape("64 B round trips", n => RoundTrips(n, all, m64, N(20000)));
await Shape("64 B pipelined", n => Pipelined(n, "msgs/s", all, m64, N(200000), rounds: ShortShapeRounds));
await Shape("1 KiB pipelined", n => Pipelined(n, "msgs/s", all, m1k, N(100000), rounds: ShortShapeRounds));
await Shape("64 KiB pipelined", n => Pipelined(n, "MB/s", all, m64k, N(4000)));
await Shape("1 MiB pipelined", n => Pipelined(n, "MB/s", [.. all, raw], m1m, N(400)));
await Shape("1 connection", n => Concurrent(n, 1, N(20000), ShortShapeRounds));
await Shape("100 connections", n => Concurrent(n, 100, N(400)));
await Shape("1000 connections", n => Concurrent(n, 1000, N(60)));
await Shape("idle connection", n => Runner.RunAsync(n, "B/conn", false, all, opts.Rounds, bound,
    (p, warm, t) => Shapes.IdleAsync(p.Client, p.Server, warm ? 100 : opts.IdleConnections, t)));

if (opts.Compression)
{
    // System.Net.WebSockets compresses at zlib's default level 6 and cannot be told otherwise; ours
    // runs at its default (level 2) and, for the like-for-like figure, at level 6 too.
    Pair[] deflatePairs = [.. all, oursLevel6];
    int[] deflateCounts = [N(8000), N(20000), N(2000)];
    foreach (var ((name, msgs), count) in Payloads.DeflateSets().Zip(deflateCounts))
        await Shape(name, n => Pipelined(n, "MB/s", deflatePairs, msgs, count, compress: true));
}

var peers = opts.Peers && opts.Only is null ? await Peers.RunAllAsync(opts, N) : [];
var report = new Report(shapes, peers, opts, Machine.Describe(loadAtStart), [], null);
report.WriteMarkdown(opts.MarkdownPath);
report.WriteHtml(opts.HtmlPath);
Console.WriteLine(File.ReadAllText(opts.MarkdownPath));
return 0;

internal sealed record BenchOptions(bool Quick, int Rounds, bool Compression, bool Peers, string PeersDir, string MarkdownPath, string HtmlPath, int IdleConnections, string? MicroResults, string? Only, bool HoldReadBuffer, string? Pair, bool Verbose,
    string? Serve, bool ServersOnly, int[] RssCounts, int CompressedConnections, string[]? Servers, string? Baseline, bool Pin, string[]? Clients, string[] Variants)
{
    private static readonly string[] Known = ["--quick", "--rounds", "--no-compression", "--no-peers", "--peers-dir", "--md", "--html", "--idle", "--micro", "--only",
        "--hold-read-buffer", "--pair", "--verbose", "--serve", "--compress", "--servers-only", "--rss", "--compressed-conns", "--servers", "--baseline", "--no-pin", "--clients", "--variant", "--placement"];

    public static BenchOptions Parse(string[] args)
    {
        bool quick = args.Contains("--quick");
        string Value(string name, string fallback)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        foreach (var a in args)
            if (a.StartsWith("--") && !Known.Contains(a))
                throw new ArgumentException($"unknown option {a}; options: --quick --rounds N --no-compression --no-peers --peers-dir DIR --md FILE --html FILE --idle N --micro DIR --only TEXT --hold-read-buffer --pair LABEL --verbose " +
                                            "--servers-only --rss N,N|none --compressed-conns N --servers LABEL,LABEL --baseline DLL --no-pin --clients gorilla,System.Net,frame --variant SERVER:NAME=VALUE --placement --serve systemnet [--compress]");
        bool peers = !args.Contains("--no-peers");
        // The memory figures are part of the --servers-only run (they compare the same server processes); --rss none
        // turns them off, and so does --only (a partial run).
        string rss = Value("--rss", !args.Contains("--only") ? (quick ? "2000" : "2000,10000") : "none");
        return new BenchOptions(
            quick,
            int.Parse(Value("--rounds", quick ? "3" : "5")),
            !args.Contains("--no-compression"),
            peers,
            Value("--peers-dir", "bench/peers"),
            // A run of the server tables alone writes beside the full run's results, not over them.
            Value("--md", args.Contains("--servers-only") ? "bench/results/servers.md" : "bench/results/latest.md"),
            Value("--html", args.Contains("--servers-only") ? "artifacts/reports/bench-servers.html" : "artifacts/reports/bench.html"),
            int.Parse(Value("--idle", "1000")),
            args.Contains("--micro") ? Value("--micro", "") : null,
            args.Contains("--only") ? Value("--only", "") : null,
            args.Contains("--hold-read-buffer"),
            args.Contains("--pair") ? Value("--pair", "") : null,
            args.Contains("--verbose"),
            args.Contains("--serve") ? Value("--serve", "") : null,
            args.Contains("--servers-only"),
            rss == "none" ? [] : [.. rss.Split(',').Select(int.Parse)],
            int.Parse(Value("--compressed-conns", rss == "none" ? "0" : "1000")),
            args.Contains("--servers") ? Value("--servers", "").Split(',') : null,
            args.Contains("--baseline") ? Value("--baseline", "") : null,
            !args.Contains("--no-pin"),
            args.Contains("--clients") ? Value("--clients", "").Split(',') : null,
            [.. args.Select((a, i) => (a, i)).Where(x => x.a == "--variant" && x.i + 1 < args.Length).Select(x => args[x.i + 1])]);
    }

    /// <summary>Whether a server takes part in the server-only tables and the memory figures: all, or those --servers names.</summary>
    public bool Serves(string label) => Servers is null || Servers.Contains(label) || Variants.Any(v => label.StartsWith(v[..Math.Max(0, v.IndexOf(':'))] + " [", StringComparison.Ordinal));

    /// <summary>Whether a client drives the server-only tables: all, or those --clients names by the start of their label ("gorilla", "System.Net", "frame").</summary>
    public bool Drives(string client) => Clients is null || Clients.Any(c => client.StartsWith(c, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether a shape runs: all of them, or those whose name contains --only's text.</summary>
    public bool Runs(string shape) => Only is null || shape.Contains(Only, StringComparison.OrdinalIgnoreCase);
}
