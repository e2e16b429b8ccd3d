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

    public EngineChoice Engine { get; init; } = EngineChoice.Auto;

    public string Image { get; init; } = DockerSuiteEngine.DefaultImage;

    /// <summary>The built-in engine's wstest-compatible command (executable or .dll).</summary>
    public string? Wstest { get; init; }

    /// <summary>Our echo server's .dll or executable (default: impl/WebSocketKit.EchoServer's build output in this checkout).</summary>
    public string? EchoServer { get; init; }

    public IReadOnlyList<string> Cases { get; init; } = ["*"];

    public IReadOnlyList<string> ExcludeCases { get; init; } = [];

    /// <summary>Whether the side under test offers permessage-deflate; null: yes for ours, no for a --target.</summary>
    public bool? Compression { get; init; }

    public bool Strict { get; init; }

    public bool FailOnUnimplemented { get; init; }

    public string EchoClient { get; init; } = EchoClients.WebSocketKit;

    public int Port { get; init; } = 9001;

    /// <summary>Client mode with the built-in engine: cases at once (timing-sensitive ones always alone, heavy ones at most one per core).</summary>
    public int Parallel { get; init; } = 16;

    public TimeSpan CaseTimeout { get; init; } = TimeSpan.FromSeconds(1800);

    public TimeSpan SuiteTimeout { get; init; } = TimeSpan.FromMinutes(60);

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public bool Keep { get; init; }

    public string ReportsDirectory { get; init; } = "reports";

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
