using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace WebSocketKit.EchoBench;

/// <summary>
/// The server-only comparison: one fixed client (gorilla's, then System.Net.WebSockets' ClientWebSocket)
/// drives each server (ours, System.Net.WebSockets, gorilla, Node ws), every server in its own process
/// started once, in turn and interleaved over the rounds. Only the server changes between the runs of a
/// shape, so the ratio of two servers in the same round is a ratio of servers; its min, median and max over
/// the rounds are reported, the minimum as the headline (what a user sees on a bad run).
/// </summary>
internal static class ServerTables
{
    /// <summary>
    /// A shape: the gorilla client's key for it (gorilla-echo --KEY N), the figure, how many messages (per
    /// connection for the connection shapes), and how the in-process System.Net client runs it.
    /// </summary>
    private sealed record Shape(string Name, string GorillaKey, string Figure, int Count, int Connections, byte[][] Messages, bool RoundTrips);

    /// <summary>The tables of one client: per shape, every server's runs.</summary>
    public sealed record Comparison(string Client, List<ShapeResult> Shapes, List<string> Servers, List<string> Notes);

    public const string Ours = "ours";

    /// <summary>The second figure of every shape: the server's CPU time per echoed message (lower is better).</summary>
    public const string ServerCpu = "server CPU µs/msg";

    /// <summary>
    /// The third: the client process's CPU time over the timed part / its wall time, i.e. how much of one CPU
    /// the client used. Near 1 with the client on one CPU, the client set the rate, whatever the server.
    /// </summary>
    public const string ClientCpu = "client CPU busy";

    /// <summary>
    /// The fourth, on the pipelined shapes: the TCP segments the client's socket sent per message (tcp_info). Over
    /// loopback the kernel delivers a segment into the server's socket inside the client's write call, so a client that
    /// writes each message with its own system call pays for one delivery per message while the server's receive window
    /// is open, and for far fewer once a lagging server lets that window fill and the writes queue up behind it: the
    /// same client, the same messages, about half the client's CPU per message. Its median and (min–max) over the rounds.
    /// </summary>
    public const string ClientSegments = "client segments/msg";

    /// <summary>
    /// The in-process clients' (System.Net's and the frame load client's) CPU time per echoed message over the timed part,
    /// user + kernel (medians over the rounds): what each server costs the client. On a client-bound shape the rate is
    /// one over this, so it says whether a server's lower rate is work it makes the client do, and on which side.
    /// </summary>
    public const string ClientCpuSplit = "client CPU µs/msg (user + kernel)";

    // The two figures behind ClientCpuSplit, as each round records them.
    private const string ClientUser = "client user µs/msg", ClientKernel = "client kernel µs/msg";

    // At or above this share of its CPU the client, not the server, is taken to have set a shape's rate.
    private const double ClientBound = 0.9;

    public static async Task<List<Comparison>> RunAsync(BenchOptions opts, Func<int, int> n)
    {
        var m64 = Payloads.Random(64, 16);
        var m1k = Payloads.Random(1024, 16);
        Shape[] shapes =
        [
            // Sized so that a run lasts about a second on 2 cores (a quarter with --quick): shorter runs moved
            // by a third from one to the next, with the scheduler's and the JIT's hiccups a large part of each.
            new("64 B pipelined", "pipe64", "msgs/s", n(300_000), 1, m64, false),
            new("64 KiB pipelined", "pipe64k", "MB/s", n(8000), 1, Payloads.Random(64 * 1024, 8), false),
            new("1 MiB pipelined", "pipe1m", "MB/s", n(600), 1, Payloads.Random(1 << 20, 4), false),
            new("64 B round trips, 1 connection", "rt64", "rt/s", n(15_000), 1, m64, true),
            new("64 B round trips, 100 connections", "conn100", "msgs/s", n(1000), 100, m64, true),
            new("1 KiB round trips, 100 connections", "conn100_1k", "msgs/s", n(800), 100, m1k, true),
            new("64 B round trips, 1000 connections", "conn1000", "msgs/s", n(90), 1000, m64, true),
            new("1 KiB round trips, 1000 connections", "conn1000_1k", "msgs/s", n(80), 1000, m1k, true),
        ];
        var (placement, where) = CpuPlacement.Choose(opts.Pin);
        var notes = new List<string> { "Placement: " + where + "." };
        var servers = new List<ServerProcess>();
        var comparisons = new List<Comparison>();
        try
        {
            foreach (var program in ServerProcess.Programs(opts).Where(p => opts.Serves(p.Label)))
            {
                if (!program.Installed) { notes.Add(program.Missing + "; left out"); continue; }
                var placed = placement is null ? program : program with { Command = placement.OnServer(program.Command) };
                try { servers.Add(await ServerProcess.StartAsync(placed, TimeSpan.FromSeconds(30))); }
                catch (Exception e) when (e is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
                {
                    notes.Add($"{program.Label} did not start: {e.Message}");
                }
            }
            if (opts.Serves(Ours) && !servers.Any(s => s.Label == Ours)) throw new InvalidOperationException("our echo server did not start: " + string.Join("; ", notes));
            var bound = TimeSpan.FromSeconds(opts.Quick ? 60 : 120);
            await WarmUpAsync(servers, shapes, bound, notes);
            var gorilla = Path.Combine(Path.GetFullPath(opts.PeersDir), "gorilla/gorilla-echo");
            string[] gorillaClient = placement is null ? [gorilla] : placement.OnClient([gorilla]);
            if (opts.Drives("gorilla client"))
            {
                if (File.Exists(gorilla))
                    comparisons.Add(await DriveAsync("gorilla client", shapes, servers, opts, bound, (shape, server, warm, token) => GorillaRunAsync(gorillaClient, shape, server, warm, bound, token), notes));
                else
                    notes.Add($"the gorilla client is not built ({gorilla} missing; bench/peers/build.sh builds it)");
            }
            using (placement?.PinThisProcess())
            {
                if (opts.Drives("System.Net client"))
                {
                    await WarmClientAsync("System.Net client", shapes, servers, opts, bound, SystemNetRunAsync, notes);
                    comparisons.Add(await DriveAsync("System.Net client", shapes, servers, opts, bound, SystemNetRunAsync, notes));
                }
                if (opts.Drives("frame load client"))
                {
                    await WarmClientAsync("frame load client", shapes, servers, opts, bound, FrameRunAsync, notes);
                    comparisons.Add(await DriveAsync("frame load client", shapes, servers, opts, bound, FrameRunAsync, notes));
                }
            }
        }
        finally
        {
            foreach (var s in servers) await s.DisposeAsync();
        }
        return comparisons;
    }

    private static async Task<Comparison> DriveAsync(string client, Shape[] shapes, List<ServerProcess> servers, BenchOptions opts, TimeSpan bound,
        Func<Shape, ServerProcess, bool, CancellationToken, Task<Dictionary<string, double>>> run, List<string> notes)
    {
        Console.Error.WriteLine($"server-only tables, {client}:");
        var results = new List<ShapeResult>();
        foreach (var shape in shapes)
        {
            if (!opts.Runs(shape.Name)) continue;
            results.Add(await Runner.RunAsync(shape.Name, shape.Figure, true, servers, s => s.Label, opts.Rounds, bound, async (server, _, token) =>
            {
                if (server.HasExited) throw new InvalidOperationException($"the {server.Label} server {await server.ExitReasonAsync()}");
                // The shape's warm-up run (not recorded) is as long as a recorded one. After a warm-up of a quarter, the first
                // full-length run of a shape was up to three times slower than the rest, whichever server it drove, and that
                // was always the server that leads the first round: ours (frame load client, 64 KiB and 1 MiB pipelined).
                var cpu = server.CpuTime();
                var figures = await run(shape, server, false, token);
                figures[ServerCpu] = (server.CpuTime() - cpu).TotalMicroseconds / ((long)Count(shape, false) * shape.Connections);
                return figures;
            }, bracket: true));
        }
        return new Comparison(client, results, [.. servers.Select(s => s.Label)], notes);
    }

    /// <summary>
    /// Before the first table, every server echoes a few seconds of mixed traffic (the frame load client: small and
    /// large messages pipelined, round trips on 100 connections), so that a runtime that compiles its hot code in
    /// tiers (.NET: first quickly, then optimised with the profile it gathered) has done so before anything is
    /// recorded, whichever shape comes first. Each shape still has its own warm-up run per server.
    /// </summary>
    private static async Task WarmUpAsync(List<ServerProcess> servers, Shape[] shapes, TimeSpan bound, List<string> notes)
    {
        foreach (var server in servers)
            foreach (var shape in shapes.Where(s => s.GorillaKey is "pipe64" or "pipe64k" or "conn100"))
            {
                using var cts = new CancellationTokenSource(bound);
                try { await FrameRunAsync(shape, server, false, cts.Token); }
                catch (Exception e) when (e is InvalidDataException or IOException or System.Net.Sockets.SocketException or OperationCanceledException)
                {
                    notes.Add($"{server.Label}: the warm-up's {shape.Name} failed: {e.Message}");
                }
            }
    }

    // Client warm-up passes stop once a pass's CPU time is within this share of the one before, or after MaxClientWarmPasses.
    private const double ClientSteady = 0.05;
    private const int MaxClientWarmPasses = 6;

    /// <summary>
    /// The clients in this process (System.Net's and the frame load client) are compiled in tiers as they run, as the
    /// servers are. Without a warm-up of their own, System.Net's client's CPU per message fell by half over its first
    /// runs (user time from 15 to 7.5 µs on 64 B round trips over 100 connections), so a table's first rounds compared
    /// servers under a client that got faster as it went, and the server that ran first in a round lost by it. So,
    /// before its table, such a client runs every selected shape's warm-up run against every server, pass after pass,
    /// until a pass costs it within <see cref="ClientSteady"/> of the CPU time of the pass before. The passes go to the
    /// notes.
    /// </summary>
    private static async Task WarmClientAsync(string client, Shape[] shapes, List<ServerProcess> servers, BenchOptions opts, TimeSpan bound,
        Func<Shape, ServerProcess, bool, CancellationToken, Task<Dictionary<string, double>>> run, List<string> notes)
    {
        var passes = new List<double>();
        while (passes.Count < MaxClientWarmPasses)
        {
            var cpu = CpuClock.Start();
            foreach (var shape in shapes.Where(s => opts.Runs(s.Name)))
                foreach (var server in servers.Where(s => !s.HasExited))
                {
                    using var cts = new CancellationTokenSource(bound);
                    try { await run(shape, server, true, cts.Token); }
                    catch (Exception e) when (e is InvalidDataException or IOException or System.Net.Sockets.SocketException or System.Net.WebSockets.WebSocketException or OperationCanceledException)
                    {
                        notes.Add($"{client} warm-up: {shape.Name} against {server.Label} failed: {e.Message}");
                    }
                }
            passes.Add(cpu.MicrosecondsPer(1) / 1e6);
            if (passes.Count >= 2 && Math.Abs(passes[^1] - passes[^2]) <= ClientSteady * passes[^2]) break;
        }
        string each = string.Join(", ", passes.Select(p => p.ToString("F2", CultureInfo.InvariantCulture) + " s"));
        Console.Error.WriteLine($"server-only tables, {client}: warm-up passes {each}");
        notes.Add($"{client}: warmed up in {passes.Count} passes over every shape and server before its table (its CPU time per pass: {each}).");
    }

    // A run of a client's warm-up passes (WarmClientAsync) does a quarter of the work: it only has to bring the client's code to its steady state.
    private static int Count(Shape shape, bool warm) => Math.Max(1, warm ? shape.Count / 4 : shape.Count);

    private static async Task<Dictionary<string, double>> GorillaRunAsync(string[] gorilla, Shape shape, ServerProcess server, bool warm, TimeSpan bound, CancellationToken token)
    {
        string json = await Peers.RunProgramAsync("gorilla client", gorilla, new Dictionary<string, string>(),
            ["--target", $"ws://127.0.0.1:{server.Port}/", "--" + shape.GorillaKey, Count(shape, warm).ToString(CultureInfo.InvariantCulture)], bound, token);
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty(shape.GorillaKey).EnumerateObject().ToDictionary(f => Peers.FigureName(f.Name), f => f.Value.GetDouble());
    }

    // ClientWebSocket in this process; only the rate is kept (this process's CPU and allocation are the client's, not the server's).
    private static async Task<Dictionary<string, double>> SystemNetRunAsync(Shape shape, ServerProcess server, bool warm, CancellationToken token)
    {
        int count = Count(shape, warm);
        Dictionary<string, double> figures;
        if (shape.Connections > 1)
        {
            var clients = await Clients.ConnectManyAsync(Impl.SystemNet, server.Port, false, shape.Connections, token);
            try { figures = await Shapes.ConcurrentAsync(clients, shape.Messages, count, token); }
            finally { await Clients.DisposeAllAsync(clients); }
        }
        else
        {
            var client = await Clients.ConnectAsync(Impl.SystemNet, server.Port, false, token);
            try
            {
                figures = shape.RoundTrips
                    ? await Shapes.RoundTripsAsync(client, shape.Messages, count, token)
                    : await Shapes.PipelinedAsync(client, shape.Messages, count, token);
            }
            finally { await client.DisposeAsync(); }
        }
        // The timed part's process CPU per message times messages per second: the share of a CPU the client used.
        double rate = figures.TryGetValue("msgs/s", out var msgs) ? msgs : figures["rt/s"];
        double kernel = figures["CPU kernel µs/msg"];
        return new()
        {
            [shape.Figure] = figures[shape.Figure],
            [ClientCpu] = figures["CPU µs/msg"] * rate / 1e6,
            [ClientUser] = figures["CPU µs/msg"] - kernel,
            [ClientKernel] = kernel,
        };
    }

    // The frame load client in this process (FrameLoadClient): frames masked before the clock starts, echoes counted by their headers.
    private static async Task<Dictionary<string, double>> FrameRunAsync(Shape shape, ServerProcess server, bool warm, CancellationToken token)
    {
        int count = Count(shape, warm);
        int Length(int i) => shape.Messages[i % shape.Messages.Length].Length;
        double bytes = 0;
        for (int i = 0; i < count; i++) bytes += Length(i);
        var clients = await Clients.ConnectManyAsync(shape.Connections, t => FrameLoadClient.ConnectAsync(server.Port, t), token);
        try
        {
            var frames = shape.RoundTrips ? shape.Messages.Select(FrameLoadClient.Frame).ToArray() : null;
            var pipelined = shape.RoundTrips ? null : FrameLoadClient.Frames(shape.Messages, count);
            long? segments0 = shape.RoundTrips ? null : clients[0].SegmentsSent();
            var busy = CpuClock.Start();
            long start = Stopwatch.GetTimestamp();
            if (shape.RoundTrips)
                await Task.WhenAll(clients.Select(c => Task.Run(() => c.RoundTripsAsync(frames!, Length, count, token), token)));
            else
                await clients[0].PipelineAsync(pipelined!, Length, count, token);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            double messages = (double)count * clients.Length;
            double cpu = busy.MicrosecondsPer((long)messages), kernel = busy.KernelMicrosecondsPer((long)messages);
            var figures = new Dictionary<string, double>
            {
                [shape.Figure] = shape.Figure switch { "MB/s" => bytes / seconds / 1e6, _ => messages / seconds },
                [ClientCpu] = busy.Share(),
                [ClientUser] = cpu - kernel,
                [ClientKernel] = kernel,
            };
            if (!shape.RoundTrips && segments0 is { } s0 && clients[0].SegmentsSent() is { } s1) figures[ClientSegments] = (s1 - s0) / messages;
            return figures;
        }
        finally
        {
            foreach (var c in clients) await c.DisposeAsync();
        }
    }

    private static string Number(double v) => Report.Number(v);

    private static string F2(double v) => v.ToString("F2", CultureInfo.InvariantCulture);

    private static IEnumerable<string> Others(Comparison c) => c.Servers.Where(s => s != Ours);

    /// <summary>
    /// One table row's cells for a figure: each server's median (± spread), then ours / each other server as
    /// min (median, max); for the CPU figure the ratio is theirs / ours, so above 1 still means ours is better.
    /// </summary>
    private static (List<string> Medians, List<(string Text, double? Min)> Ratios) Row(Comparison c, ShapeResult s, string figure)
    {
        bool higher = figure != ServerCpu;
        if (figure == ClientCpu)
            return ([.. c.Servers.Select(server => s.Summary(server, figure) is { } v ? $"{v.Median * 100:F0}%" : "—")], [.. Others(c).Select(_ => ("—", (double?)null))]);
        if (figure == ClientCpuSplit)
        {
            return ([.. c.Servers.Select(server => s.Summary(server, ClientUser) is { } u && s.Summary(server, ClientKernel) is { } k
                        ? $"{u.Median:F1} + {k.Median:F1}" : "—")],
                    [.. Others(c).Select(_ => ("—", (double?)null))]);
        }
        if (figure == ClientSegments)
            return ([.. c.Servers.Select(server => s.Values(server, figure) is [_, ..] v ? $"{F2(ShapeResult.MedianOfSorted(v))} ({F2(v[0])}–{F2(v[^1])})" : "—")], [.. Others(c).Select(_ => ("—", (double?)null))]);
        var medians = c.Servers.Select(server => s.Summary(server, figure) is { } v ? $"{Number(v.Median)} ±{v.Spread * 100:F0}%" : "failed").ToList();
        var ratios = Others(c).Select(other => s.RatioRange(Ours, other, figure, higher) is { } r
            ? ($"{F2(r.Min)} ({F2(r.Median)}, {F2(r.Max)})", (double?)r.Min)
            : ("—", null)).ToList();
        return (medians, ratios);
    }

    private static string[] FiguresOf(ShapeResult s)
        => [s.Headline, ServerCpu, .. new[] { ClientCpu, ClientSegments }.Where(s.Figures.Contains), .. s.Figures.Contains(ClientUser) ? [ClientCpuSplit] : Array.Empty<string>()];

    /// <summary>Whether the client used at least <see cref="ClientBound"/> of a CPU (median over the rounds) against some server.</summary>
    private static bool IsClientBound(Comparison c, ShapeResult s)
        => c.Servers.Any(server => s.Summary(server, ClientCpu) is { } v && v.Median >= ClientBound);

    public static readonly string Legend =
        "Server-only tables: the client is fixed and only the server changes. Every server runs in its own process, started once; " +
        "the client (gorilla-echo --target, a new process each run; or ClientWebSocket in the echo tool) drives each in turn, " +
        "one unrecorded warm-up run per server (as long as a recorded one), then the rounds, each round starting one server further along and ending with its first server run again: " +
        $"a round where that run is off the first by more than {Runner.BracketTolerance * 100:F0}% (the machine's speed changed within it) is set aside and run again, at most {Runner.MaxRoundRepeats} times, and listed in the findings. " +
        "A client in this process first warms up over every shape and server until its CPU time per pass is steady (see the notes). " +
        "Each server column: the median rate over the rounds ± the spread ((max − min) / median). " +
        "ours / X: our rate over X's in the same round, as min (median, max) over the rounds; above 1 means ours is faster; the minimum is the headline. " +
        "ours is impl/WebSocketKit.EchoServer (its defaults: read buffer released while idle, 30 s write timeout); System.Net is WebSocket.CreateFromStream " +
        "behind this tool's listener (--serve systemnet); gorilla is gorilla-echo --serve (4 KiB buffers); node ws is echo.js --serve (ws's defaults). " +
        "The connection shapes: every connection does its round trips at once; the rate is the aggregate. " +
        "server CPU µs/msg: the server process's CPU time (user + kernel, /proc/PID/stat, 10 ms ticks) over the whole run, handshakes included, " +
        "per echoed message; its ratio is theirs / ours (above 1: ours uses less). It moves much less with the machine's load than the rates do. " +
        "client CPU busy: the client process's CPU time over the timed part / its wall time (median over the rounds), the share of one CPU it used; " +
        "near 100% the client, not the server, set the rate. " +
        "client CPU µs/msg (user + kernel), for the clients in this process (System.Net's and the frame load client): the client's CPU time per " +
        "echoed message over the timed part, user + kernel (medians over the rounds), i.e. what each server costs the client; on a client-bound shape " +
        "the rate is about one over it. The frame load client writes frames masked before the clock starts, in 256 KiB blocks, " +
        "and counts the echoes by their headers (it checks each echo's opcode and length), so that on the pipelined shapes the server sets the rate. " +
        "client segments/msg (pipelined shapes): the TCP segments the client's socket sent per message (tcp_info), median (min–max) over the rounds. " +
        "Over loopback a segment is delivered into the server's socket inside the client's write call; a client that writes each message with its own " +
        "system call (gorilla's) pays that delivery once per message while the server's receive window is open (1.00), and far less often when a server " +
        "that falls behind lets the window fill and the writes queue behind it (below 1): the same client then uses about half the CPU per message, " +
        "and its rate against that server can double in that round. The findings list each round's pairs.";

    /// <summary>Shapes where our minimum ratio to some server is below 1, for the findings.</summary>
    public static IEnumerable<string> Findings(IEnumerable<Comparison> comparisons)
    {
        foreach (var c in comparisons)
        {
            var below = new List<string>();
            foreach (var s in c.Shapes)
                foreach (var other in Others(c))
                    if (s.RatioRange(Ours, other, s.Headline) is { } r && r.Min < 1)
                        below.Add($"{s.Name} vs {other} {F2(r.Min)}");
            yield return below.Count == 0
                ? $"{c.Client}: ours is at or above every other server in every round of every shape."
                : $"{c.Client}: minimum ratio below 1.00: {string.Join("; ", below)}.";
            var clientBound = c.Shapes.Where(s => IsClientBound(c, s)).Select(s => s.Name).ToList();
            if (clientBound.Count > 0)
                yield return $"{c.Client}: client-bound (the client used {ClientBound * 100:F0}% or more of its CPU against some server, so the client, " +
                             $"not the server, set the rate, and the ratios there compare servers only by what they make the client do): {string.Join("; ", clientBound)}.";
            foreach (var s in c.Shapes.Where(s => IsClientBound(c, s) && s.Figures.Contains(ClientSegments)))
                yield return $"{c.Client}, {s.Name}, each round's rate at the client's segments per message: " +
                             string.Join("; ", c.Servers.Select(server => $"{server} " + string.Join(", ", (s.Runs.GetValueOrDefault(server) ?? [])
                                 .Where(r => r.ContainsKey(s.Headline) && r.ContainsKey(ClientSegments))
                                 .Select(r => $"{Number(r[s.Headline])} at {F2(r[ClientSegments])}")))) + ".";
            foreach (var s in c.Shapes)
                foreach (var note in s.Notes) yield return $"{c.Client}, {s.Name}: {note}";
        }
        foreach (var note in comparisons.SelectMany(c => c.Notes).Distinct()) yield return note;
        if (comparisons.Any(c => c.Servers.Contains(ServerProcess.Baseline)))
            yield return $"{ServerProcess.Baseline}: another build of our echo server, compared with this one (--baseline).";
    }

    public static void AppendMarkdown(StringBuilder sb, List<Comparison> comparisons)
    {
        sb.AppendLine("## Server-only tables").AppendLine().AppendLine(Legend).AppendLine();
        foreach (var c in comparisons)
        {
            var others = Others(c).ToList();
            sb.Append("### ").AppendLine(c.Client).AppendLine();
            sb.Append("| shape | figure | ").AppendJoin(" | ", c.Servers).Append(" | ").AppendJoin(" | ", others.Select(o => $"ours / {o}")).AppendLine(" |");
            sb.Append("|---|---|").Append(string.Concat(c.Servers.Concat(others).Select(_ => "---:|"))).AppendLine();
            foreach (var s in c.Shapes)
                foreach (var figure in FiguresOf(s))
                {
                    var (medians, ratios) = Row(c, s, figure);
                    sb.Append($"| {s.Name} | {figure} | ").AppendJoin(" | ", medians).Append(" | ")
                      .AppendJoin(" | ", ratios.Select(r => r.Min is null ? r.Text : $"**{r.Text[..r.Text.IndexOf(' ')]}**{r.Text[r.Text.IndexOf(' ')..]}")).AppendLine(" |");
                }
            sb.AppendLine();
        }
        foreach (var line in Findings(comparisons)) sb.Append("- ").AppendLine(line);
        sb.AppendLine();
    }

    public static void AppendHtml(StringBuilder sb, List<Comparison> comparisons, Func<string, string> html)
    {
        sb.Append("<h2>Server-only tables</h2><p>").Append(html(Legend)).AppendLine("</p>");
        foreach (var c in comparisons)
        {
            var others = Others(c).ToList();
            sb.Append("<h3>").Append(html(c.Client)).Append("</h3><table><tr><th>shape</th><th>figure</th>");
            foreach (var h in c.Servers.Concat(others.Select(o => $"ours / {o}"))) sb.Append("<th>").Append(html(h)).Append("</th>");
            sb.AppendLine("</tr>");
            foreach (var s in c.Shapes)
                foreach (var figure in FiguresOf(s))
                {
                    var (medians, ratios) = Row(c, s, figure);
                    sb.Append($"<tr><td>{html(s.Name)}</td><td>{html(figure)}</td>");
                    foreach (var m in medians) sb.Append("<td>").Append(html(m)).Append("</td>");
                    foreach (var (text, min) in ratios)
                        sb.Append($"<td class=\"{(min is null ? "" : min >= 1 ? "good" : "bad")}\">").Append(html(text)).Append("</td>");
                    sb.AppendLine("</tr>");
                }
            sb.AppendLine("</table>");
        }
        sb.Append("<ul>");
        foreach (var line in Findings(comparisons)) sb.Append("<li>").Append(html(line)).AppendLine("</li>");
        sb.AppendLine("</ul>");
    }
}
