using System.Diagnostics;

namespace WebSocketKit.EchoBench;

/// <summary>
/// Where the server-only tables run the client and the server: on separate CPUs, with taskset(1). The server
/// gets the last quarter of the machine's CPUs (at least one) and the client the rest, so that a client that
/// costs as much per message as a server does still has room; on 2 cores, one each.
/// Sharing every core, the client's and the server's threads compete for them, and which process the
/// scheduler runs first moves a latency-bound shape by half or more from one run to the next; that
/// measures the scheduler, not the server. Pinned, every server gets the same CPUs and the client never
/// takes them, as if each were on a machine of its own. Every runtime sizes itself from its affinity
/// (.NET's ProcessorCount, Go's GOMAXPROCS); Node's event loop is one thread either way.
/// </summary>
internal sealed class CpuPlacement
{
    private readonly int _count;

    private CpuPlacement(int count, string client, string server)
    {
        _count = count;
        Client = client;
        Server = server;
    }

    /// <summary>The client's CPUs as taskset takes them, e.g. "0".</summary>
    public string Client { get; }

    /// <summary>The server's CPUs, e.g. "1".</summary>
    public string Server { get; }

    /// <summary>
    /// The split of this machine's CPUs, or null (and why) when there is none: asked not to (--no-pin), a
    /// single CPU, or no taskset.
    /// </summary>
    public static (CpuPlacement? Placement, string Description) Choose(bool pin)
    {
        int n = Environment.ProcessorCount;
        if (!pin) return (null, "client and server share every CPU (--no-pin)");
        if (n < 2) return (null, "client and server share the machine's one CPU");
        if (!File.Exists("/usr/bin/taskset")) return (null, "client and server share every CPU (no taskset)");
        string Range(int from, int to) => from == to ? $"{from}" : $"{from}-{to}";
        int server = Math.Max(1, n / 4);
        var p = new CpuPlacement(n, Range(0, n - server - 1), Range(n - server, n - 1));
        return (p, $"the client runs on CPU {p.Client} and the server on CPU {p.Server} (taskset; --no-pin shares them)");
    }

    /// <summary>A command that starts a server process on the server's CPUs.</summary>
    public string[] OnServer(string[] command) => ["/usr/bin/taskset", "-c", Server, .. command];

    /// <summary>A command that starts a client process on the client's CPUs.</summary>
    public string[] OnClient(IReadOnlyList<string> command) => ["/usr/bin/taskset", "-c", Client, .. command];

    /// <summary>
    /// Moves every thread of this process (the in-process ClientWebSocket client) to the client's CPUs; threads
    /// started later inherit it. Dispose moves them back to every CPU.
    /// </summary>
    public IDisposable PinThisProcess()
    {
        SetAll(Client);
        return new Restore(() => SetAll($"0-{_count - 1}"));
    }

    private static void SetAll(string cpus)
    {
        var psi = new ProcessStartInfo("/usr/bin/taskset") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-a", "-p", "-c", cpus, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"taskset -a -p -c {cpus} failed: {err.Trim()}");
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}
