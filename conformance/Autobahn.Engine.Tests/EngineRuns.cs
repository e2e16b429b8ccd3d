using Autobahn.Engine.Engine;
using Autobahn.Engine.Modes;
using Autobahn.Vocabulary;

namespace Autobahn.Engine.Tests;

/// <summary>Runs the engine in fuzzingclient mode against one server into a throw-away report folder.</summary>
public static class EngineRuns
{
    /// <summary>The results, after checking that the report files were written in the official layout.</summary>
    public static async Task<IReadOnlyList<CaseResult>> AgainstAsync(Uri server, string agent, List<string> cases, List<string>? exclude = null, int parallel = 4)
    {
        var outdir = Path.Combine(Path.GetTempPath(), "autobahn-engine-tests", Guid.NewGuid().ToString("N"));
        var spec = new FuzzingSpec { OutDir = outdir, Servers = [new ServerSpec(agent, server.ToString(), [])], Cases = cases, ExcludeCases = exclude ?? [], Parallel = parallel };
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
