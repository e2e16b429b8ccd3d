using System.Collections.Concurrent;
using Autobahn.Vocabulary;

namespace Autobahn.Runner.Reports;

/// <summary>
/// One agent's report plus what CI outputs say about how it was produced, which index.json does not record.
/// Each case is explained once however many outputs (console, case page, JUnit, summary) show the explanation.
/// </summary>
/// <param name="Mode">The mode folder: "servers" or "clients".</param>
/// <param name="Engine">"docker" or "builtin" (from runs.json when the runner wrote one).</param>
/// <param name="Profile">The rule book the verdicts follow: "autobahn" or "rfc".</param>
/// <param name="Target">The URL under test, when known.</param>
/// <param name="Transport">"http/1.1", "h2c" or "h2": what the WebSockets went over.</param>
public sealed record AgentRun(AgentReport Report, string Mode, string Engine, string Profile, string? Target = null, string Transport = "http/1.1")
{
    private readonly ConcurrentDictionary<string, Explanation?> _explanations = new(StringComparer.Ordinal);

    public string Agent => Report.Agent;

    /// <summary>The run of <paramref name="report"/> as its runs.json entry describes it (null: a report another tool wrote).</summary>
    public static AgentRun From(AgentReport report, string mode, RunInfo? info) =>
        new(report, mode, info?.Engine ?? "unknown", info?.Profile ?? "autobahn", info?.Target, info?.Transport ?? "http/1.1");

    /// <summary>The explanation of a case, read from its per-case JSON the first time it is asked for; null without that file.</summary>
    public Explanation? ExplanationOf(CaseResult c) => _explanations.GetOrAdd(c.Id.Text, _ => FailureExplainer.TryExplain(Report, c));

    /// <summary>The explanation text of a non-OK case, or a line saying why there is none (no per-case JSON).</summary>
    public string Explain(CaseResult c)
    {
        try
        {
            return ExplanationOf(c)?.ToText()
                ?? $"{c.Id.Text} {c.Behavior.Name()} / close {c.BehaviorClose.Name()}: no per-case report file ({c.ReportFile}) to explain it from.";
        }
        catch (FormatException ex)
        {
            return $"{c.Id.Text} {c.Behavior.Name()} / close {c.BehaviorClose.Name()}: the per-case report could not be read ({ex.Message}).";
        }
    }
}
