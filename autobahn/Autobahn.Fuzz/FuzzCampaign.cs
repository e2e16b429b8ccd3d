using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Autobahn.Fuzz;

public sealed record FuzzOptions
{
    public required Uri Target { get; init; }
    public int Seed { get; init; } = 1;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);
    public int? Sessions { get; init; }
    public int Connections { get; init; } = 4;
    /// <summary>Sessions started per second at most (0: no limit).</summary>
    public double Rate { get; init; }
    public bool Echo { get; init; } = true;
    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(2);
    public int ProbeEvery { get; init; } = 50;
    public int? Pid { get; init; }
    public long RssGrowthLimitMb { get; init; } = 200;
    public string? Exec { get; init; }
    public string OutDirectory { get; init; } = Path.Combine("artifacts", "fuzz-remote");
    public bool Minimize { get; init; } = true;
    public int MinimizeBudget { get; init; } = 150;
    /// <summary>Minimized findings kept per rule (the rest are only counted).</summary>
    public int KeepPerRule { get; init; } = 2;
    /// <summary>Findings minimized and written in all (null: no limit beyond <see cref="KeepPerRule"/>).</summary>
    public int? MaxFindingFiles { get; init; }
    public string ToolVersion { get; init; } = "";
}

/// <summary>One finding as written to disk: replayable with `wsconform replay FILE URL`.</summary>
public sealed record FindingFile
{
    public string Rule { get; init; } = "";
    public string What { get; init; } = "";
    public string Reference { get; init; } = "";
    public string Target { get; init; } = "";
    public int Seed { get; init; }
    public int SessionNumber { get; init; }
    public bool Echo { get; init; } = true;
    public int OriginalSteps { get; init; }
    public int MinimizedSteps { get; init; }
    public bool Reproduced { get; init; }
    /// <summary>When not reproduced: what the second run gave instead ("no finding", or its rule and what happened).</summary>
    public string? SecondRun { get; init; }
    public string ToolVersion { get; init; } = "";
    public FuzzSession Session { get; init; } = new();
}

public sealed record FuzzSummary
{
    public string Target { get; init; } = "";
    public int Seed { get; init; }
    public string ToolVersion { get; init; } = "";
    public int Sessions { get; set; }
    public long FramesSent { get; set; }
    public int Probes { get; set; }
    public int Restarts { get; set; }
    /// <summary>
    /// Sessions (liveness probes too) whose verdict rested on the deadline (the server said nothing in time) and did not
    /// come back when run again with four times the deadline: a slow server or a busy machine, not a finding.
    /// </summary>
    public int SlowSessions { get; set; }
    public int CorpusSize { get; set; }
    public int Signatures { get; set; }
    public double Seconds { get; set; }
    public SortedDictionary<string, int> FindingsByRule { get; } = new(StringComparer.Ordinal);
    /// <summary>Findings by rule and the first words of what happened (several causes can break one rule).</summary>
    public SortedDictionary<string, int> FindingsByKind { get; } = new(StringComparer.Ordinal);
    public List<string> Files { get; } = [];
    public long? RssStartKb { get; set; }
    public long? RssEndKb { get; set; }
    public int Findings => FindingsByRule.Values.Sum();
}

/// <summary>
/// The campaign: batches of sessions (new or mutated from the corpus of sessions whose behaviour signature was new),
/// each judged by the oracle; a liveness probe every N sessions, RSS watched, a dead server restarted, findings minimized
/// and written. Deterministic for a seed and a server that answers the same way: each batch is generated before it runs.
/// </summary>
public sealed class FuzzCampaign(FuzzOptions o, TextWriter log)
{
    private readonly Generator _gen = new(o.Seed);
    private readonly List<FuzzSession> _corpus = [];
    private readonly HashSet<string> _signatures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _kept = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seenKinds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _confirmedKinds = new(StringComparer.Ordinal);
    private Process? _server;
    private int _findingFiles;

    public FuzzSummary Summary { get; } = new() { Target = o.Target.ToString(), Seed = o.Seed, ToolVersion = o.ToolVersion };

    public async Task<FuzzSummary> RunAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(o.OutDirectory);
        if (o.Exec is not null) await StartServerAsync(ct).ConfigureAwait(false);
        long? rssBase = null;
        int sinceProbe = 0;
        try
        {
            while (!ct.IsCancellationRequested && clock.Elapsed < o.Duration && (o.Sessions is not int max || Summary.Sessions < max))
            {
                int size = Math.Max(1, o.Connections);
                if (o.Sessions is int cap) size = Math.Min(size, cap - Summary.Sessions);
                // The batch is fixed before it runs, so what is generated depends on the seed and on earlier batches only.
                var batch = Enumerable.Range(0, size).Select(_ => _corpus.Count > 0 && _gen_chance() ? _gen.Mutate(PickFromCorpus()) : _gen.NewSession()).ToList();
                var started = clock.Elapsed;
                var results = await Task.WhenAll(batch.Select(s => RunOneAsync(s, ct))).ConfigureAwait(false);
                if (results.Any(r => r.Item1.ConnectFailed))
                {
                    // Refused connections say the server is gone: the probe records it (and restarts it with --exec).
                    bool alive = await ProbeAsync(ct, batch[Array.FindIndex(results, r => r.Item1.ConnectFailed)]).ConfigureAwait(false);
                    if (!alive && _server is null) { log.WriteLine("the server no longer accepts connections; stopping"); break; }
                    sinceProbe = 0;
                }
                for (int i = 0; i < batch.Count; i++)
                {
                    var (t, v) = results[i];
                    if (t.ConnectFailed) continue;
                    Summary.Sessions++;
                    Summary.FramesSent += t.Sent.Count;
                    var sig = Signature(t, v);
                    if (_signatures.Add(sig)) _corpus.Add(batch[i]);
                    if (v is not null && t.WaitedOut && !_confirmedKinds.Contains(Kind(v)))
                    {
                        // Confirmed once, a kind counts at once from then on.
                        (_, v) = await RunPatientlyAsync(batch[i], v, Summary.Sessions, ct).ConfigureAwait(false);
                        if (v is not null) _confirmedKinds.Add(Kind(v));
                    }
                    if (v is not null) await RecordAsync(batch[i], v, Summary.Sessions, ct).ConfigureAwait(false);
                }
                sinceProbe += batch.Count;
                if (sinceProbe >= o.ProbeEvery)
                {
                    sinceProbe = 0;
                    await ProbeAsync(ct).ConfigureAwait(false);
                    if (Rss() is long rss)
                    {
                        rssBase ??= rss;
                        Summary.RssStartKb ??= rss;
                        Summary.RssEndKb = rss;
                        if (rss - rssBase > o.RssGrowthLimitMb * 1024 && Summary.FindingsByRule.GetValueOrDefault("rss-growth") == 0)
                            Count(new Verdict("rss-growth", $"the server's resident memory grew from {rssBase / 1024} MB to {rss / 1024} MB", $"bounded memory (--rss-limit {o.RssGrowthLimitMb} MB)"), null, 0);
                    }
                }
                if (o.Rate > 0)
                {
                    var due = started + TimeSpan.FromSeconds(batch.Count / o.Rate);
                    if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed, ct).ConfigureAwait(false);
                }
            }
            await ProbeAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        finally
        {
            if (_server is { HasExited: false }) { try { _server.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }
            _server?.Dispose();
        }
        Summary.Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1);
        Summary.CorpusSize = _corpus.Count;
        Summary.Signatures = _signatures.Count;
        return Summary;
    }

    private bool _gen_chance() => _corpusTurn++ % 4 != 0; // three mutants for every new session once the corpus has some
    private int _corpusTurn;
    private int _pick;

    /// <summary>Newer corpus entries first, round-robin over the rest: every kept behaviour gets mutated.</summary>
    private FuzzSession PickFromCorpus()
    {
        _pick++;
        return _pick % 2 == 0 ? _corpus[_corpus.Count - 1 - (_pick / 2 % Math.Min(_corpus.Count, 8))] : _corpus[_pick % _corpus.Count];
    }

    /// <summary>How many times the deadline a second run gets when the first one's verdict rested on the deadline.</summary>
    private const int Patience = 4;

    private async Task<(Transcript, Verdict?)> RunOneAsync(FuzzSession s, CancellationToken ct, int patience = 1)
    {
        var t = await new SessionExecutor(o.Target, o.Deadline * patience, o.Echo).RunAsync(s, ct).ConfigureAwait(false);
        return (t, Oracle.Judge(s, t, o.Echo));
    }

    /// <summary>
    /// A run meant to give <paramref name="finding"/> again (a reproduction, a minimizer's candidate): when it gives
    /// something else and its wait ran out, a busy machine may be why, so it runs once more with four times the deadline.
    /// </summary>
    private async Task<Verdict?> RunLikeAsync(FuzzSession s, Verdict finding, CancellationToken ct)
    {
        var (t, v) = await RunOneAsync(s, ct).ConfigureAwait(false);
        if (Minimizer.SameFinding(v, finding) || !t.WaitedOut) return v;
        return (await RunOneAsync(s, ct, Patience).ConfigureAwait(false)).Item2;
    }

    /// <summary>
    /// A verdict that rests on the deadline may only say that the machine was busy: it counts when a run with
    /// <see cref="Patience"/> times the deadline gives a finding too. When that run gives none, the session is slow.
    /// </summary>
    private async Task<(Transcript, Verdict?)> RunPatientlyAsync(FuzzSession s, Verdict first, int number, CancellationToken ct)
    {
        var (t, patient) = await RunOneAsync(s, ct, Patience).ConfigureAwait(false);
        if (patient is null && Summary.SlowSessions++ == 0)
            log.WriteLine($"session {number}: [{first.Rule}] {first.What}; not so with {Patience} times the deadline, so counted as slow, not as a finding");
        return (t, patient);
    }

    /// <summary>What the server did, in kinds: the HTTP answer, echoes, pongs, close codes, the TCP end, our giving up.</summary>
    public static string Signature(Transcript t, Verdict? v)
    {
        var parts = new List<string> { t.Status is int s ? $"H{s}" : $"H-{t.HandshakeEnd}", t.Agreement is null ? "" : "D" };
        string? last = null;
        foreach (var e in t.Events)
        {
            string k = e.Kind switch
            {
                EventKind.Frame => e.Frame!.Opcode switch
                {
                    8 => "C" + (e.Frame.Payload.Length >= 2 ? (e.Frame.Payload[0] << 8 | e.Frame.Payload[1]).ToString() : ""),
                    9 => "I", 10 => "P", _ => e.Frame.Fin ? "E" : "F",
                },
                // A reset or a plain close: which one a drop turns into depends on timing, not on the server.
                EventKind.TcpClosed or EventKind.Reset => "T", _ => "U",
            };
            if (k != last) parts.Add(k);
            last = k;
        }
        if (t.GaveUp) parts.Add("G");
        if (v is not null) parts.Add("!" + v.Rule);
        return string.Join('.', parts);
    }

    private async Task RecordAsync(FuzzSession s, Verdict v, int number, CancellationToken ct)
    {
        // One kind of finding (rule and the first words of what happened) is minimized and written a few times, then only counted.
        var kind = Kind(v);
        bool fresh = _seenKinds.Add(kind) && (o.MaxFindingFiles is not int most || _findingFiles < most);
        Count(v, fresh && _kept.GetValueOrDefault(v.Rule) < o.KeepPerRule ? s : null, number);
        if (fresh && _kept.GetValueOrDefault(v.Rule) < o.KeepPerRule)
        {
            _kept[v.Rule] = _kept.GetValueOrDefault(v.Rule) + 1;
            await WriteFindingAsync(s, v, number, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The rule and what happened with its numbers (steps, sizes, codes) blanked, so one cause counts as one kind.</summary>
    private static string Kind(Verdict v)
    {
        var what = System.Text.RegularExpressions.Regex.Replace(v.What, @"\(step \d+\)|\d+|'[^']*'|""[^""]*""", "#");
        return v.Rule + ": " + (what.Length > 110 ? what[..110] : what).Trim();
    }

    private void Count(Verdict v, FuzzSession? s, int number)
    {
        Summary.FindingsByKind[Kind(v)] = Summary.FindingsByKind.GetValueOrDefault(Kind(v)) + 1;
        Summary.FindingsByRule[v.Rule] = Summary.FindingsByRule.GetValueOrDefault(v.Rule) + 1;
        if (Summary.FindingsByRule[v.Rule] == 1) log.WriteLine($"finding [{v.Rule}] session {number}: {v.What} ({v.Reference})");
    }

    private async Task WriteFindingAsync(FuzzSession s, Verdict v, int number, CancellationToken ct)
    {
        var minimized = s;
        bool reproduced = true;
        string? secondRun = null;
        if (o.Minimize)
        {
            // A finding that does not come back on a second run is kept as it was, marked not reproduced.
            var again = await RunLikeAsync(s, v, ct).ConfigureAwait(false);
            reproduced = Minimizer.SameFinding(again, v);
            if (!reproduced) secondRun = again is null ? "no finding" : $"{again.Rule}: {again.What}";
            if (reproduced)
            {
                var m = new Minimizer((c, token) => RunLikeAsync(c, v, token), v, o.MinimizeBudget);
                minimized = await m.MinimizeAsync(s, ct).ConfigureAwait(false);
                log.WriteLine($"  minimized from {s.Steps.Count} to {minimized.Steps.Count} steps in {m.Runs} runs");
            }
        }
        var final = await RunLikeAsync(minimized, v, ct).ConfigureAwait(false);
        var file = new FindingFile
        {
            Rule = v.Rule, What = Minimizer.SameFinding(final, v) ? final!.What : v.What, Reference = v.Reference, Target = o.Target.ToString(), Seed = o.Seed,
            SessionNumber = number, Echo = o.Echo, OriginalSteps = s.Steps.Count, MinimizedSteps = minimized.Steps.Count,
            Reproduced = reproduced, SecondRun = secondRun, ToolVersion = o.ToolVersion, Session = minimized,
        };
        var path = Path.Combine(o.OutDirectory, $"{v.Rule}-{++_findingFiles:000}.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(file, FuzzJson.Options), ct).ConfigureAwait(false);
        Summary.Files.Add(path);
        log.WriteLine($"  wrote {path}");
    }

    /// <summary>A fresh connection with a plain message: the server must still accept and answer.</summary>
    private async Task<bool> ProbeAsync(CancellationToken ct, FuzzSession? suspect = null)
    {
        Summary.Probes++;
        var probe = new FuzzSession
        {
            Handshake = Minimizer.PlainHandshake(new HandshakeSpec(), keepExtensions: false),
            Steps = [new FuzzStep { Opcode = 1, Payload = Convert.ToHexStringLower("liveness probe"u8) }],
        };
        var (t, v) = await RunOneAsync(probe, ct).ConfigureAwait(false);
        if (v is null) return true;
        if (t.WaitedOut && _server is not { HasExited: true })
        {
            // Slow to answer is not gone: the probe gets the longer deadline before it counts.
            (t, var patient) = await RunPatientlyAsync(probe, v, Summary.Sessions, ct).ConfigureAwait(false);
            if (patient is null) return true;
            v = patient;
        }
        // A server started with --exec gets a moment to finish dying, so a crash is told apart from a refusal.
        if (_server is not null) await Task.Run(() => _server.WaitForExit(1000), ct).ConfigureAwait(false);
        bool died = _server is { HasExited: true };
        var verdict = died
            ? new Verdict("server-died", $"the server process exited (code {_server!.ExitCode}) during the campaign", "the server must survive any input")
            : new Verdict("liveness", $"a fresh connection with a plain message failed: {v.What}", "the server must keep accepting and serving connections");
        Count(verdict, null, Summary.Sessions);
        if (suspect is not null && Summary.FindingsByRule[verdict.Rule] <= o.KeepPerRule)
        {
            // The session that met the refusal, as it was (not minimized: a dead server cannot be asked again).
            var path = Path.Combine(o.OutDirectory, $"{verdict.Rule}-{++_findingFiles:000}.json");
            var file = new FindingFile
            {
                Rule = verdict.Rule, What = verdict.What, Reference = verdict.Reference, Target = o.Target.ToString(), Seed = o.Seed,
                SessionNumber = Summary.Sessions, Echo = o.Echo, OriginalSteps = suspect.Steps.Count, MinimizedSteps = suspect.Steps.Count,
                ToolVersion = o.ToolVersion, Session = suspect,
            };
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(file, FuzzJson.Options), ct).ConfigureAwait(false);
            Summary.Files.Add(path);
        }
        if (died)
        {
            Summary.Restarts++;
            await StartServerAsync(ct).ConfigureAwait(false);
            return true;
        }
        return t.ConnectFailed ? false : true;
    }

    private async Task StartServerAsync(CancellationToken ct)
    {
        _server?.Dispose();
        var psi = new ProcessStartInfo("/bin/sh", ["-c", "exec " + o.Exec]) { RedirectStandardOutput = true, RedirectStandardError = true };
        _server = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {o.Exec}");
        _server.OutputDataReceived += (_, _) => { };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        var until = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < until && !_server.HasExited)
        {
            if (await Listening(o.Target, ct).ConfigureAwait(false)) return;
            await Task.Delay(100, ct).ConfigureAwait(false);
        }
        throw new InvalidOperationException($"the server started by --exec does not accept connections at {o.Target.Host}:{o.Target.Port}");
    }

    public static async Task<bool> Listening(Uri target, CancellationToken ct)
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(TimeSpan.FromSeconds(3));
            await client.ConnectAsync(target.Host, target.Port, cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or OperationCanceledException && !ct.IsCancellationRequested) { return false; }
    }

    private long? Rss()
    {
        int? pid = o.Pid ?? (_server is { HasExited: false } ? _server.Id : null);
        if (pid is null) return null;
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        }
        catch (IOException) { return null; }
    }

    /// <summary>Loopback only unless the caller allows other hosts.</summary>
    public static bool IsLoopback(Uri target) =>
        target.IsLoopback || (IPAddress.TryParse(target.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
