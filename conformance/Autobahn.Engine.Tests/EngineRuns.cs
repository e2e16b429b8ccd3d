using System.Text.Json.Nodes;
using Autobahn.Engine.Engine;
using Autobahn.Engine.Modes;
using Autobahn.Vocabulary;

namespace Autobahn.Engine.Tests;

/// <summary>Runs the engine in fuzzingclient mode against one server into a throw-away report folder.</summary>
public static class EngineRuns
{
    /// <summary>
    /// For the third-party peers: after the closing handshake the official suite waits 1 s for the server to drop TCP.
    /// node-ws does so in milliseconds on a quiet machine, but on a busy one it has been seen to miss the 1 s and turn
    /// an official OK into FAILED BY CLIENT (6.22.13). The deadline only bounds waiting for a peer that does drop, so a
    /// longer one changes no verdict of a conformant peer, only its dependence on load. The same holds for the 1 s the
    /// suite gives the peer to answer our Close: autobahn-python, one Python thread serving four cases at once (some of
    /// them compressing megabytes), once answered 6.6.7's Close too late in a CI run and got close UNCLEAN. A peer that
    /// never answers is UNCLEAN after 10 s as after 1 s. And for the half second a case like 6.20.6 gives the peer to
    /// answer (fail the connection for invalid UTF-8; in 6.5.4, echo valid text) before the engine kills it: node-ws's
    /// client and our own server, in clean-clone runs, each once took longer and got FAILED where the official suite
    /// says OK. The engine closes as soon as the answer is in, so a conformant peer's case takes no longer.
    /// </summary>
    public static JsonObject LoadTolerant => new() { ["serverConnectionDropTimeout"] = 10.0, ["closeHandshakeTimeout"] = 10.0, ["peerAnswerTimeout"] = 10.0 };

    /// <summary>The results, after checking that the report files were written in the official layout.</summary>
    public static async Task<IReadOnlyList<CaseResult>> AgainstAsync(Uri server, string agent, List<string> cases, List<string>? exclude = null, int parallel = 4,
        JsonObject? serverOptions = null)
    {
        var outdir = Path.Combine(Path.GetTempPath(), "autobahn-engine-tests", Guid.NewGuid().ToString("N"));
        var spec = new FuzzingSpec { OutDir = outdir, Servers = [new ServerSpec(agent, server.ToString(), serverOptions ?? [])], Cases = cases, ExcludeCases = exclude ?? [], Parallel = parallel };
        try
        {
            var results = await new FuzzingClient(spec).RunAsync();
            if (!File.Exists(Path.Combine(outdir, ReportFileNames.IndexJson)) || !File.Exists(Path.Combine(outdir, ReportFileNames.IndexHtml)))
                throw new InvalidOperationException("the engine did not write index.json and index.html");
            foreach (var r in results.Take(3))
                if (!File.Exists(Path.Combine(outdir, ReportFileNames.Json(agent, r.Case.Id))))
                    throw new InvalidOperationException($"no case report for {r.Case.Id}");
            return results;
        }
        finally
        {
            if (Directory.Exists(outdir)) Directory.Delete(outdir, recursive: true);
        }
    }
}
