using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace WebSocketKit.EchoBench;

/// <summary>
/// What a server holds in memory, read as its resident set (VmRSS) from /proc: the same servers as the
/// server-only tables, each started fresh for every measurement, while this process plays the clients.
/// <list type="bullet">
/// <item>Idle connections: N connections that finished the opening handshake and then send nothing; the
/// server's RSS with them open, and the growth over its RSS before them, per connection.</item>
/// <item>After compressed connections close: a thousand connections that negotiated permessage-deflate
/// (window 15, context takeover) each echo a few compressible messages, then all close; the RSS while
/// they are open and once they are gone, i.e. whether the compression state and buffers are given back.</item>
/// </list>
/// RSS is read once it has settled (samples 250 ms apart within 1% for 3 s, or a bound), so the figures do
/// not depend on how fast the machine is; they do depend on when each runtime collects its garbage, which
/// is part of what a user sees.
/// </summary>
internal static class ServerMemory
{
    public sealed record Idle(string Server, int Connections, long BaseRss, long Rss, long AfterCloseRss, bool Settled);

    public sealed record Compressed(string Server, long BaseRss, long OpenRss, long AfterCloseRss, bool Settled);

    public sealed record Results(List<Idle> IdleRows, List<Compressed> CompressedRows, int CompressedConnections, List<string> Notes);

    private static readonly TimeSpan SettleBound = TimeSpan.FromSeconds(30);

    public static async Task<Results> RunAsync(BenchOptions opts, int[] idleCounts, int compressedConnections)
    {
        var results = new Results([], [], compressedConnections, []);
        if (opts.Baseline is { } b) results.Notes.Add($"{ServerProcess.Baseline} is {b}: another build of our echo server (--baseline)");
        long limit = OpenFileLimit();
        results.Notes.Add($"open file limit (ulimit -n) for this process and the servers it starts: {limit}");
        foreach (int count in idleCounts)
        {
            if (count + 100 > limit)
            {
                results.Notes.Add($"{count} idle connections left out: more than the open file limit allows");
                continue;
            }
            foreach (var program in ServerProcess.Programs(opts).Where(p => opts.Serves(p.Label)))
            {
                if (!program.Installed) { Note(results, program.Missing); continue; }
                try { results.IdleRows.Add(await IdleAsync(program, count)); }
                catch (Exception e) when (e is InvalidOperationException or IOException or SocketException or OperationCanceledException or TimeoutException)
                {
                    Note(results, $"{program.Label}, {count} idle connections: {e.Message}");
                }
            }
        }
        if (compressedConnections > 0)
            foreach (var program in ServerProcess.Programs(opts, compress: true).Where(p => opts.Serves(p.Label)))
            {
                if (!program.Installed) continue;
                try { results.CompressedRows.Add(await CompressedAsync(program, compressedConnections)); }
                catch (Exception e) when (e is InvalidOperationException or IOException or SocketException or OperationCanceledException or TimeoutException
                                              or CloseException or ConnectionClosedException)
                {
                    Note(results, $"{program.Label}, compressed connections: {e.Message}");
                }
            }
        return results;
    }

    private static void Note(Results results, string note)
    {
        results.Notes.Add(note);
        Console.Error.WriteLine("  memory: " + note);
    }

    private static async Task<Idle> IdleAsync(ServerProcess.Program program, int count)
    {
        await using var server = await ServerProcess.StartAsync(program, TimeSpan.FromSeconds(30));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        // One echo first, so the code paths a connection uses are loaded before the baseline.
        await WarmAsync(server.Port, compress: false, cts.Token);
        var (baseRss, s0) = await server.SettledRssAsync(SettleBound);
        var streams = await OpenIdleAsync(server.Port, count, cts.Token);
        var (rss, s1) = await server.SettledRssAsync(SettleBound);
        foreach (var s in streams) await s.DisposeAsync();
        var (after, s2) = await server.SettledRssAsync(SettleBound);
        if (server.HasExited) throw new InvalidOperationException($"the server {await server.ExitReasonAsync()}");
        Console.Error.WriteLine($"  memory: {program.Label}, {count} idle: base {Mib(baseRss)} MiB, open {Mib(rss)} MiB, {Kib((double)(rss - baseRss) / count)} KiB/conn, after close {Mib(after)} MiB");
        return new Idle(program.Label, count, baseRss, rss, after, s0 && s1 && s2);
    }

    // Handshakes only (our Sans-IO client handshake over a socket): nothing but the server's side of an idle connection is measured.
    private static async Task<List<NetworkStream>> OpenIdleAsync(int port, int count, CancellationToken token)
    {
        var streams = new NetworkStream[count];
        using var gate = new SemaphoreSlim(64);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync(token);
            try { streams[i] = (await OursEndpoints.HandshakeAsync(port, null, token)).Stream; }
            finally { gate.Release(); }
        }));
        return [.. streams];
    }

    private static async Task WarmAsync(int port, bool compress, CancellationToken token)
    {
        var client = compress
            ? await OursEndpoints.ConnectAsync(port, Protocol.Compression.PerMessageDeflateOptions.DefaultLevel, token)
            : await OursEndpoints.ConnectAsync(port, null, token);
        await using (client) await EchoAsync(client, Payloads.Json(4 * 1024, 4), new byte[64 * 1024], token);
    }

    private static async Task EchoAsync(IEchoClient client, byte[][] messages, byte[] buf, CancellationToken token)
    {
        foreach (var m in messages)
        {
            await client.SendAsync(m, token);
            if (await client.ReceiveAsync(buf, m.Length, token) != m.Length) throw new InvalidDataException("short echo");
        }
    }

    private static async Task<Compressed> CompressedAsync(ServerProcess.Program program, int count)
    {
        await using var server = await ServerProcess.StartAsync(program, TimeSpan.FromSeconds(30));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        await WarmAsync(server.Port, compress: true, cts.Token);
        var (baseRss, s0) = await server.SettledRssAsync(SettleBound);
        var messages = Payloads.Json(16 * 1024, 8, seed: 5);
        var clients = new IEchoClient[count];
        using (var gate = new SemaphoreSlim(64))
        {
            await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
            {
                await gate.WaitAsync(cts.Token);
                try
                {
                    clients[i] = await OursEndpoints.ConnectAsync(server.Port, Protocol.Compression.PerMessageDeflateOptions.DefaultLevel, cts.Token);
                    await EchoAsync(clients[i], messages, new byte[32 * 1024], cts.Token);
                }
                finally { gate.Release(); }
            }));
        }
        var (open, s1) = await server.SettledRssAsync(SettleBound);
        await Clients.DisposeAllAsync(clients);
        var (after, s2) = await server.SettledRssAsync(SettleBound);
        if (server.HasExited) throw new InvalidOperationException($"the server {await server.ExitReasonAsync()}");
        Console.Error.WriteLine($"  memory: {program.Label}, {count} compressed: base {Mib(baseRss)} MiB, open {Mib(open)} MiB, after close {Mib(after)} MiB");
        return new Compressed(program.Label, baseRss, open, after, s0 && s1 && s2);
    }

    // The soft limit on open files, from /proc (the runtime raises its own soft limit to the hard one at start).
    private static long OpenFileLimit()
    {
        foreach (var line in File.ReadLines("/proc/self/limits"))
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                var parts = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return parts[0] == "unlimited" ? long.MaxValue : long.Parse(parts[0], CultureInfo.InvariantCulture);
            }
        return 1024;
    }

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);

    private static string Kib(double bytes) => (bytes / 1024).ToString("F2", CultureInfo.InvariantCulture);

    public static readonly string Legend =
        "Resident memory of each server process (VmRSS from /proc/PID/status), each server started fresh for each line, " +
        "this tool playing the clients. Idle: after one warm-up echo the RSS settles (base); then N connections finish the opening " +
        "handshake and send nothing (open); per connection = (open − base) / N; after close: the RSS once they have all closed. " +
        "Compressed: the same servers accepting permessage-deflate; the clients (ours, window 15, context takeover, level 2) each echo " +
        "eight 16 KiB JSON messages and stay open (open), then all close (after close). RSS is read once the samples (250 ms apart) " +
        "of the last 3 s agree within 1% (at most 30 s; 'not settled' marks a line where that bound passed). Our echo server compacts its heap " +
        "once a burst of 256 or more opens or closes has paused for 1 s (impl/WebSocketKit.EchoServer/MemoryReturn.cs), and fixes glibc's mmap " +
        "threshold so freed zlib contexts are unmapped (ProcessTuning.cs); Node's V8 collects in its idle time; gorilla (Go) and System.Net as they come.";

    public static void AppendMarkdown(StringBuilder sb, Results r)
    {
        sb.AppendLine("## Server memory").AppendLine().AppendLine(Legend).AppendLine();
        if (r.IdleRows.Count > 0)
        {
            sb.AppendLine("| server | idle connections | base MiB | open MiB | KiB per connection | after close MiB |");
            sb.AppendLine("|---|---:|---:|---:|---:|---:|");
            foreach (var i in r.IdleRows)
                sb.AppendLine($"| {i.Server} | {i.Connections} | {Mib(i.BaseRss)} | {Mib(i.Rss)} | {Kib((double)(i.Rss - i.BaseRss) / i.Connections)} | {Mib(i.AfterCloseRss)}{(i.Settled ? "" : " (not settled)")} |");
            sb.AppendLine();
        }
        if (r.CompressedRows.Count > 0)
        {
            sb.AppendLine($"| server | compressed connections | base MiB | open MiB | after close MiB |");
            sb.AppendLine("|---|---:|---:|---:|---:|");
            foreach (var c in r.CompressedRows)
                sb.AppendLine($"| {c.Server} | {r.CompressedConnections} | {Mib(c.BaseRss)} | {Mib(c.OpenRss)} | {Mib(c.AfterCloseRss)}{(c.Settled ? "" : " (not settled)")} |");
            sb.AppendLine();
        }
        foreach (var note in r.Notes) sb.Append("- ").AppendLine(note);
        sb.AppendLine();
    }

    public static void AppendHtml(StringBuilder sb, Results r, Func<string, string> html)
    {
        // The HTML page carries the same tables; they are rendered from the markdown rows.
        var md = new StringBuilder();
        AppendMarkdown(md, r);
        sb.Append("<h2>Server memory</h2><p>").Append(html(Legend)).AppendLine("</p>");
        bool inTable = false;
        foreach (var line in md.ToString().Split('\n').Skip(4))
        {
            if (line.StartsWith('|'))
            {
                if (line.StartsWith("|---")) continue;
                var cells = line.Trim('|').Split('|').Select(c => c.Trim());
                string tag = inTable ? "td" : "th";
                if (!inTable) sb.Append("<table>");
                inTable = true;
                sb.Append("<tr>").Append(string.Concat(cells.Select(c => $"<{tag}>{html(c)}</{tag}>"))).AppendLine("</tr>");
            }
            else
            {
                if (inTable) sb.AppendLine("</table>");
                inTable = false;
                if (line.StartsWith("- ")) sb.Append("<p>").Append(html(line[2..])).AppendLine("</p>");
            }
        }
        if (inTable) sb.AppendLine("</table>");
    }
}
