using System.Diagnostics;

namespace Autobahn.Engine.Tests;

/// <summary>Where the third-party peers' programs are (conformance/peers/, copied next to the tests) and how to start them.</summary>
public static class Peers
{
    public const string Python = "/usr/bin/python3";
    private static readonly Dictionary<string, string> GoEnv = new() { ["GO111MODULE"] = "off", ["GOPATH"] = "/usr/share/gocode" };
    private static readonly Lazy<string> GorillaBuild = new(BuildGorilla);

    public static string Script(string peer, string file) => Path.Combine(AppContext.BaseDirectory, "peers", peer, file);

    /// <summary>The gorilla/websocket peer (conformance/peers/gorilla/peer) built from source into a temporary folder, once per test run; never committed.</summary>
    public static string Gorilla => GorillaBuild.Value;

    /// <summary>Runs a client script under the system Python, driven by the fuzzing server at <paramref name="server"/>.</summary>
    public static Task<string> PythonClient(string peer, Uri server, string agent) =>
        PeerClient.RunAsync(Python, [Script(peer, "echo_client.py"), server.ToString().TrimEnd('/'), agent], new() { ["PMD"] = "1" }, ClientLimit);

    /// <summary>How long a client may take for the sample of cases (they take seconds).</summary>
    public static readonly TimeSpan ClientLimit = TimeSpan.FromMinutes(2);

    private static string BuildGorilla()
    {
        // Built under a name of its own, then renamed into place: another test run on the machine may be using the last build.
        var output = Path.Combine(Path.GetTempPath(), "autobahn-engine-tests", "gorilla", "peer");
        var building = $"{output}-{Environment.ProcessId}";
        var psi = new ProcessStartInfo("go", ["build", "-o", building, "."])
        {
            WorkingDirectory = Script("gorilla", "peer"), RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var (k, v) in GoEnv) psi.Environment[k] = v;
        using var go = Process.Start(psi) ?? throw new InvalidOperationException("could not start go (`make deps` installs golang-go)");
        var errors = go.StandardError.ReadToEndAsync();
        if (!go.WaitForExit(TimeSpan.FromMinutes(2))) { go.Kill(); throw new TimeoutException("go build peer took over 2 minutes"); }
        if (go.ExitCode != 0) throw new InvalidOperationException($"go build peer failed (`make deps` installs gorilla/websocket): {errors.Result}");
        File.Move(building, output, overwrite: true);
        return output;
    }
}
