using Autobahn.Engine.Cases;

namespace Autobahn.Runner;

public enum RunMode { Both, Client, Server }

public enum EngineChoice { Auto, Docker, Builtin }

/// <summary>Everything the command line decides.</summary>
public sealed record RunnerOptions
{
    public RunMode Mode { get; init; } = RunMode.Both;

    /// <summary>Server mode against any server at this ws:// URL instead of our own echo server.</summary>
    public string? Target { get; init; }

    public string? Agent { get; init; }

    public EngineChoice Engine { get; init; } = EngineChoice.Builtin;

    public string Image { get; init; } = DockerSuiteEngine.DefaultImage;

    /// <summary>The built-in engine's wstest-compatible command (executable or .dll); null: the engine runs in this process.</summary>
    public string? Wstest { get; init; }

    /// <summary>Our echo server's .dll or executable (default: impl/WebSocketKit.EchoServer's build output in this checkout).</summary>
    public string? EchoServer { get; init; }

    public IReadOnlyList<string> Cases { get; init; } = ["*"];

    /// <summary>What the WebSockets go over: "http/1.1" (default), "h2c" or "h2" (RFC 8441, the built-in engine only).</summary>
    public string Transport { get; init; } = Autobahn.Engine.Transport.WebSocketTransports.Http11;

    /// <summary>Server mode over h2: accept the server's certificate unchecked (a self-signed one on a test machine).</summary>
    public bool AcceptAnyCertificate { get; init; }

    /// <summary>
    /// The agent name in the reports: over HTTP/2 with the transport after it ("kestrel (h2c)"), so an agent's h2
    /// run sits beside its HTTP/1.1 run in the same reports folder instead of replacing it.
    /// </summary>
    public string AgentName(string agent) =>
        Autobahn.Engine.Transport.WebSocketTransports.IsHttp2(Transport) && !agent.EndsWith($" ({Transport})", StringComparison.Ordinal)
            ? $"{agent} ({Transport})"
            : agent;

    public IReadOnlyList<string> ExcludeCases { get; init; } = [];

    /// <summary>Whether the side under test offers permessage-deflate; null: yes for ours, no for a --target.</summary>
    public bool? Compression { get; init; }

    public bool Strict { get; init; }

    public bool FailOnUnimplemented { get; init; }

    /// <summary>Client mode's in-process echo client (websocketkit, clientwebsocket); null: an outside client (<see cref="Exec"/>, or one that connects by itself).</summary>
    public string? EchoClient { get; init; } = EchoClients.WebSocketKit;

    /// <summary>Client mode: the client's command line, started once for the run, with {url}, {agent} and {count} filled in.</summary>
    public string? Exec { get; init; }

    /// <summary>Client mode with an outside client: how long the client may take to run every case and ask for the reports.</summary>
    public TimeSpan ClientDeadline { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>The rule book: autobahn (the official verdicts) or rfc (docs/profiles.md).</summary>
    public SuiteProfile Profile { get; init; } = SuiteProfile.Autobahn;

    /// <summary>Runs only shard Index of Count (1-based): a deterministic, duration-balanced part of the selected cases.</summary>
    public (int Index, int Count)? Shard { get; init; }

    public OutputOptions Outputs { get; init; } = new();

    public int Port { get; init; } = 9001;

    /// <summary>Client mode with the built-in engine: cases at once (timing-sensitive ones always alone, heavy ones at most one per core).</summary>
    public int Parallel { get; init; } = 16;

    public TimeSpan CaseTimeout { get; init; } = TimeSpan.FromSeconds(1800);

    public TimeSpan SuiteTimeout { get; init; } = TimeSpan.FromMinutes(60);

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public bool Keep { get; init; }

    /// <summary>
    /// Where reports go unless told (--reports): under artifacts/, which a checkout ignores, so a run never rewrites
    /// tracked files; CI publishes the folder (GitHub Pages, artifacts).
    /// </summary>
    public const string DefaultReportsDirectory = "artifacts/reports";

    public string ReportsDirectory { get; init; } = DefaultReportsDirectory;

    /// <summary>
    /// The case patterns the suite is given: the selection itself, or, for a shard, the ids of that shard (the suite
    /// then runs exactly them; ids are the same in the official suite and ours).
    /// </summary>
    public (IReadOnlyList<string> Cases, IReadOnlyList<string> Exclude) SuiteSelection()
    {
        if (Shard is not { } shard) return (Cases, ExcludeCases);
        var ids = CaseCatalog.Select(Cases, ExcludeCases, Profile).Select(c => c.Id).ToList();
        return (Autobahn.Runner.Reports.Shards.Select(ids, shard.Index, shard.Count), []);
    }

    /// <summary>A --target is a server, so with one, "both" means server mode only.</summary>
    public bool RunsClientMode => Mode == RunMode.Client || (Mode == RunMode.Both && Target is null);

    public bool RunsServerMode => Mode is RunMode.Both or RunMode.Server;

    /// <summary>Case patterns may come space- or comma-separated (make passes one string); none means the fallback.</summary>
    public static string[] SplitPatterns(IEnumerable<string>? given, string[] fallback)
    {
        var list = (given ?? []).SelectMany(g => g.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
        return list.Length == 0 ? fallback : list;
    }
}

/// <summary>What a run writes besides the reports folder, for CI.</summary>
public sealed record OutputOptions
{
    /// <summary>JUnit XML: one testcase per case, grouped by chapter, failures carrying the reason.</summary>
    public string? JUnit { get; init; }

    /// <summary>A Markdown summary; also appended to $GITHUB_STEP_SUMMARY when that variable is set.</summary>
    public string? Summary { get; init; }

    /// <summary>Golden mode: compare verdicts with this baseline and fail only on a change.</summary>
    public string? Expect { get; init; }

    /// <summary>Save this run's verdicts as a baseline for --expect.</summary>
    public string? WriteExpect { get; init; }
}
