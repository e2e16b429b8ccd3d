using System.Globalization;
using System.Net;
using System.Text;
using WebSocketKit.Protocol.Compression;

namespace WebSocketKit.EchoBench;

/// <summary>
/// Writes the results as bench/results/latest.md (the ratio table) and artifacts/reports/bench.html (the same
/// table plus inline SVG bar charts; no external resources). Ratios compare figures from the same run.
/// </summary>
internal sealed class Report
{
    private static readonly string[] Columns = ["ours", "System.Net", "ours→System.Net", "System.Net→ours", "ours (level 6)", "raw TCP", "gorilla", "node ws", "python websockets"];
    private readonly List<ShapeResult> _shapes;
    private readonly BenchOptions _opts;
    private readonly string _stamp;

    public Report(List<ShapeResult> shapes, List<(string Peer, string Shape, Dictionary<string, double> Figures)> peers, BenchOptions opts)
    {
        _shapes = shapes;
        _opts = opts;
        foreach (var (peer, shape, figures) in peers)
            _shapes.FirstOrDefault(s => s.Name == shape)?.Add(peer, figures);
        // What each peer ran with (its compression settings, smaller counts, a failure) goes under its shape.
        foreach (var (shape, note) in Peers.Notes)
            _shapes.FirstOrDefault(s => s.Name == shape)?.Notes.Add(note);
        _stamp = $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, " +
                 $".NET {Environment.Version}, {(opts.Quick ? "quick" : "full")} run, {opts.Rounds} rounds";
    }

    private const double AllocNoiseFloor = 8;

    private static bool HigherIsBetter(string figure) => figure.Replace(ShapeResult.Best, "") is "rt/s" or "msgs/s" or "MB/s";

    // The headline first, then latency, then allocation; the other throughput unit is left out.
    private static IEnumerable<string> RowFigures(ShapeResult s)
    {
        yield return s.Headline;
        // Small messages on two cores settle into one of two regimes per run (reads that carry
        // many messages, or one read per message), so their medians jump between runs; the best
        // run shows what each stack does when it gets the batching regime.
        if (HigherIsBetter(s.Headline) && s.Runs.TryGetValue("ours", out var runs) && runs.Count >= 10) yield return ShapeResult.Best + s.Headline;
        foreach (var f in new[] { "p50 µs", "p99 µs", "CPU µs/msg", "wire B/msg", "alloc B/msg" })
            if (s.Figures.Contains(f)) yield return f;
    }

    private IEnumerable<string> UsedColumns => Columns.Where(c => _shapes.Any(s => s.Runs.ContainsKey(c)));

    /// <summary>Above 1 means ours is better: ours/theirs for throughput, theirs/ours for latency and bytes.</summary>
    private static string Ratio(ShapeResult s, string figure)
    {
        if (s.Summary("ours", figure) is not { } o || s.Summary("System.Net", figure) is not { } t) return "—";
        // A few bytes per message over the whole process is the runtime's own background work
        // (timers, thread pool), not the connection: a ratio of two such figures means nothing.
        if (figure == "alloc B/msg" && o.Median < AllocNoiseFloor && t.Median < AllocNoiseFloor) return "≈";
        double r = HigherIsBetter(figure) ? o.Median / t.Median : t.Median / o.Median;
        return double.IsFinite(r) ? r.ToString("F2", CultureInfo.InvariantCulture) : "∞";
    }

    private static string Cell(ShapeResult s, string pair, string figure)
        => s.Summary(pair, figure) is { } v ? figure.StartsWith(ShapeResult.Best) ? Number(v.Median) : $"{Number(v.Median)} ±{v.Spread * 100:F0}%" : "";

    private static string Number(double v) => v switch
    {
        >= 100_000 => v.ToString("N0", CultureInfo.InvariantCulture),
        >= 100 => v.ToString("F0", CultureInfo.InvariantCulture),
        _ => v.ToString("F1", CultureInfo.InvariantCulture),
    };

    private IEnumerable<string> Findings()
    {
        var below = _shapes.Select(s => (s.Name, Ratio: Ratio(s, s.Headline)))
            .Where(x => double.TryParse(x.Ratio, CultureInfo.InvariantCulture, out var r) && r < 1).Select(x => $"{x.Name} ({x.Ratio})").ToList();
        yield return below.Count == 0
            ? "Every shape's headline ratio is 1.00 or more."
            : $"Headline ratio below 1.00: {string.Join(", ", below)}.";
        var mib = _shapes.FirstOrDefault(s => s.Name == "1 MiB pipelined");
        if (mib?.Summary("ours", "MB/s") is { } o && mib.Summary("raw TCP", "MB/s") is { } r)
            yield return $"1 MiB echo: ours at {o.Median / r.Median * 100:F0}% of raw TCP ({Number(o.Median)} vs {Number(r.Median)} MB/s)" +
                         (mib.Summary("System.Net", "MB/s") is { } t ? $"; System.Net.WebSockets at {t.Median / r.Median * 100:F0}%." : ".");
        foreach (var s in _shapes.Where(s => s.Runs.ContainsKey("ours (level 6)")))
        {
            if (s.Summary("ours (level 6)", s.Headline) is not { } l6 || s.Summary("System.Net", s.Headline) is not { } sn) continue;
            string line = $"{s.Name}: like for like at level 6, ours / System.Net = {l6.Median / sn.Median:F2} ({Number(l6.Median)} vs {Number(sn.Median)} {s.Headline})";
            if (s.Summary("ours", "wire B/msg") is { } ow && s.Summary("System.Net", "wire B/msg") is { } tw && s.Summary("ours (level 6)", "wire B/msg") is { } lw)
                line += $"; bytes on the wire per message: ours at level {PerMessageDeflateOptions.DefaultLevel} {Number(ow.Median)}, ours at level 6 {Number(lw.Median)}, System.Net {Number(tw.Median)}";
            yield return line + ".";
        }
        foreach (var s in _shapes)
            foreach (var note in s.Notes)
                yield return $"{s.Name}: {note}";
    }

    private static readonly string Legend =
        "Medians over the rounds, ± the spread ((max − min) / median). Ratio: ours vs System.Net.WebSockets from the same run, " +
        "above 1 means ours is better (ours/theirs for rates, theirs/ours for latency and bytes). " +
        "A → B: A's client against B's server. Peers (gorilla, node ws, python websockets) run their own client against their own server in a separate process. " +
        "alloc B/msg: bytes allocated by the whole process (client and server) per echoed message; ratio ≈ when both are under 8 B (the runtime's background noise). " +
        "CPU µs/msg: process CPU time (user + kernel, both ends and the runtime's threads) per echoed message. " +
        "wire B/msg: bytes the server received per message (frames as sent; the compressed size). " +
        $"Ours compresses at its default level {PerMessageDeflateOptions.DefaultLevel} (zlib's fastest with per-block Huffman codes; gorilla defaults to Go's fastest); ours (level 6) is ours at zlib's default level 6, which System.Net.WebSockets always uses. " +
        "The short shapes (64 B round trips, 64 B and 1 KiB pipelined, 1 connection) run three times the rounds at a third of the count; " +
        "their 'best' row is the best single run, since on two cores small messages settle per run into either many messages per read or one, and the median can land in either regime. " +
        "idle connection B/conn: managed heap held per client+server pair after the handshake, no read pending (GC.GetTotalMemory delta over the idle connections / count; kernel socket buffers not included).";

    public void WriteMarkdown(string path)
    {
        var cols = UsedColumns.ToList();
        var sb = new StringBuilder();
        sb.AppendLine("# Echo benchmark: WebSocketKit vs System.Net.WebSockets").AppendLine();
        sb.AppendLine(_stamp).AppendLine().AppendLine(Legend).AppendLine();
        sb.Append("| shape | figure | ratio | ").AppendJoin(" | ", cols).AppendLine(" |");
        sb.Append("|---|---|---:|").Append(string.Concat(cols.Select(_ => "---:|"))).AppendLine();
        foreach (var s in _shapes)
            foreach (var f in RowFigures(s))
                sb.Append($"| {s.Name} | {f} | {Ratio(s, f)} | ").AppendJoin(" | ", cols.Select(c => Cell(s, c, f))).AppendLine(" |");
        sb.AppendLine();
        foreach (var line in Findings()) sb.Append("- ").AppendLine(line);
        foreach (var (name, table) in MicroTables())
            sb.AppendLine().Append("## Microbenchmark: ").AppendLine(name).AppendLine().AppendLine(table);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, sb.ToString());
    }

    public void WriteHtml(string path)
    {
        var cols = UsedColumns.ToList();
        var sb = new StringBuilder();
        sb.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>WebSocketKit echo benchmark</title><style>");
        sb.AppendLine("body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;font-size:13px}" +
                      "td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}td:first-child,td:nth-child(2){text-align:left}" +
                      ".good{background:#dfd}.bad{background:#fdd}.charts{display:flex;flex-wrap:wrap;gap:1.5em}figure{margin:0}");
        sb.AppendLine("</style></head><body><h1>WebSocketKit echo benchmark</h1>");
        sb.Append("<p>").Append(Html(_stamp)).Append("</p><p>").Append(Html(Legend)).AppendLine("</p>");
        sb.Append("<table><tr><th>shape</th><th>figure</th><th>ratio</th>");
        foreach (var c in cols) sb.Append("<th>").Append(Html(c)).Append("</th>");
        sb.AppendLine("</tr>");
        foreach (var s in _shapes)
            foreach (var f in RowFigures(s))
            {
                var ratio = Ratio(s, f);
                string cls = double.TryParse(ratio, CultureInfo.InvariantCulture, out var r) ? (r >= 1 ? "good" : "bad") : ratio is "∞" or "≈" ? "good" : "";
                sb.Append($"<tr><td>{Html(s.Name)}</td><td>{Html(f)}</td><td class=\"{cls}\">{ratio}</td>");
                foreach (var c in cols) sb.Append("<td>").Append(Html(Cell(s, c, f))).Append("</td>");
                sb.AppendLine("</tr>");
            }
        sb.AppendLine("</table><ul>");
        foreach (var line in Findings()) sb.Append("<li>").Append(Html(line)).AppendLine("</li>");
        sb.AppendLine("</ul><h2>Headline figures</h2><div class=\"charts\">");
        foreach (var s in _shapes) sb.AppendLine(Chart(s, cols));
        sb.AppendLine("</div>");
        foreach (var (name, table) in MicroTables())
            sb.Append("<h2>Microbenchmark: ").Append(Html(name)).Append("</h2><pre>")
              .Append(Html(string.Join('\n', table.Split('\n').Where(l => !l.StartsWith("```"))))).AppendLine("</pre>");
        sb.AppendLine("</body></html>");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, sb.ToString());
    }

    // One horizontal bar per pair, scaled to the largest median of the shape's headline figure.
    private static string Chart(ShapeResult s, List<string> cols)
    {
        var bars = cols.Select(c => (c, v: s.Summary(c, s.Headline))).Where(x => x.v is not null).Select(x => (x.c, x.v!.Value.Median)).ToList();
        if (bars.Count == 0) return "";
        double max = bars.Max(b => b.Median);
        const int labelW = 150, barW = 260, rowH = 20;
        var sb = new StringBuilder();
        sb.Append($"<figure><figcaption>{Html(s.Name)} ({Html(s.Headline)}, {(HigherIsBetter(s.Headline) ? "longer is better" : "shorter is better")})</figcaption>");
        sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{labelW + barW + 90}\" height=\"{bars.Count * rowH + 4}\" font-size=\"12\">");
        for (int i = 0; i < bars.Count; i++)
        {
            var (label, value) = bars[i];
            double w = max > 0 ? value / max * barW : 0;
            string color = label == "ours" ? "#2a7" : label == "System.Net" ? "#57c" : "#aaa";
            int y = i * rowH + 2;
            sb.Append($"<text x=\"0\" y=\"{y + 14}\">{Html(label)}</text>");
            sb.Append($"<rect x=\"{labelW}\" y=\"{y}\" width=\"{w.ToString("F1", CultureInfo.InvariantCulture)}\" height=\"{rowH - 4}\" fill=\"{color}\"/>");
            sb.Append($"<text x=\"{(labelW + w + 4).ToString("F1", CultureInfo.InvariantCulture)}\" y=\"{y + 14}\">{Number(value)}</text>");
        }
        sb.Append("</svg></figure>");
        return sb.ToString();
    }

    // BenchmarkDotNet's GitHub-flavoured tables from the same `make bench` run, when --micro names their folder.
    private IEnumerable<(string Name, string Table)> MicroTables()
    {
        if (_opts.MicroResults is not { } dir || !Directory.Exists(dir)) yield break;
        foreach (var file in Directory.GetFiles(dir, "*-report-github.md").Order())
            yield return (Path.GetFileName(file).Replace("-report-github.md", "").Split('.').Last(), File.ReadAllText(file).Trim());
    }

    private static string Html(string s) => WebUtility.HtmlEncode(s);
}
