using Autobahn.Engine.Rfc8441;
using Autobahn.Runner.Reports;
using Microsoft.Extensions.Logging;

namespace Autobahn.Runner;

/// <summary>
/// `rfc8441`: the WebSocket-over-HTTP/2 chapter against a running server, through the engine's own HTTP/2 frame
/// layer (h2c with prior knowledge for http://, TLS with ALPN h2 for https://). Writes reports/rfc8441/ and,
/// when asked, JUnit; exits 0 when no case FAILED (nor, with strict, was NON-STRICT), 1 otherwise, 2 when it cannot run.
/// </summary>
public static class Rfc8441Command
{
    public const string DefaultAgent = "target-server";

    public sealed record Options(string Url, bool Insecure, string? Agent, IReadOnlyList<string> Cases, bool Strict, string ReportsDirectory, string? JUnit);

    public static async Task<int> RunAsync(Options o, TextWriter console, ILogger log, CancellationToken ct)
    {
        if (Target(o.Url) is not { } target)
        {
            log.LogError("rfc8441: {Url} is not an http://, https://, ws:// or wss:// URL", o.Url);
            return RunnerApp.CannotRun;
        }
        var cases = Rfc8441Run.Select(o.Cases);
        if (cases.Count == 0)
        {
            log.LogError("rfc8441: no case matches {Patterns}", string.Join(" ", o.Cases));
            return RunnerApp.CannotRun;
        }
        if (await Rfc8441Run.CheckReachableAsync(target, o.Insecure, ct) is { } problem)
        {
            log.LogError("rfc8441: {Problem}", problem);
            return RunnerApp.CannotRun;
        }
        var started = DateTimeOffset.UtcNow;
        log.LogInformation("rfc8441: {Count} cases against {Target} over {Transport}", cases.Count, target, Engine.Http2.Http2Dial.IsTls(target) ? "TLS (h2)" : "h2c");
        var results = await Rfc8441Run.RunAsync(target, o.Insecure, cases,
            r => console.WriteLine($"{r.Case.Id,-7} {r.Verdict,-13} {r.Observed}"), ct);
        var run = new Rfc8441AgentRun(o.Agent ?? DefaultAgent, target.ToString(), started.ToString("u", System.Globalization.CultureInfo.InvariantCulture),
            [.. results.Select(r => new Rfc8441CaseRow(r.Case.Id, r.Case.Cites, r.Case.Requirement, r.Case.Expectation, r.Verdict, r.Observed, r.DurationMs))]);
        try
        {
            var page = Rfc8441Report.Write(o.ReportsDirectory, run, DateTimeOffset.UtcNow);
            log.LogInformation("rfc8441: report {Page}; reports page {Index}", page, IndexPage.Write(o.ReportsDirectory, DateTimeOffset.UtcNow));
            if (o.JUnit is { } junit)
            {
                var dir = Path.GetDirectoryName(Path.GetFullPath(junit));
                if (dir is not null) Directory.CreateDirectory(dir);
                Rfc8441Report.JUnit(run, o.Strict).Save(junit);
                log.LogInformation("rfc8441: JUnit {Path}", junit);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or System.Text.Json.JsonException)
        {
            log.LogError("rfc8441: cannot write the report: {Message}", e.Message);
            return RunnerApp.CannotRun;
        }
        var counts = string.Join(", ", run.Cases.GroupBy(c => c.Verdict).Select(g => $"{g.Count()} {g.Key}"));
        bool passed = run.Passed(o.Strict);
        console.WriteLine($"rfc8441: {counts}: {(passed ? "passed" : "FAILED")}");
        return passed ? RunnerApp.Passed : RunnerApp.CasesFailed;
    }

    /// <summary>The URL the frame layer dials: ws and wss name the same servers as http and https.</summary>
    public static Uri? Target(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var u)) return null;
        string? scheme = u.Scheme switch { "http" or "ws" => "http", "https" or "wss" => "https", _ => null };
        if (scheme is null) return null;
        return new UriBuilder(u) { Scheme = scheme, Port = u.IsDefaultPort ? (scheme == "https" ? 443 : 80) : u.Port }.Uri;
    }
}
