namespace Autobahn.Runner.Reports;

/// <summary>
/// One agent's report plus what CI outputs say about how it was produced, which index.json does not record.
/// </summary>
/// <param name="Mode">The mode folder: "servers" or "clients".</param>
/// <param name="Engine">"docker" or "builtin" (from runs.json when the runner wrote one).</param>
/// <param name="Profile">The verdict profile the run was judged under, e.g. "default" or "strict".</param>
/// <param name="Target">The URL under test, when known.</param>
public sealed record AgentRun(AgentReport Report, string Mode, string Engine, string Profile, string? Target = null)
{
    public string Agent => Report.Agent;

    /// <summary>The run of <paramref name="report"/> as runs.json in its folder describes it.</summary>
    public static AgentRun From(AgentReport report, string mode, string profile)
    {
        var info = RunInfo.LoadAll(report.Directory).GetValueOrDefault(report.Agent);
        return new AgentRun(report, mode, info?.Engine ?? "unknown", profile, info?.Target);
    }

    /// <summary>The explanation text of a non-OK case, or a line saying why there is none (no per-case JSON).</summary>
    public string Explain(CaseResult c)
    {
        try
        {
            return FailureExplainer.TryExplain(Report, c)?.ToText()
                ?? $"{c.Id.Text} {c.Behavior.Name()} / close {c.BehaviorClose.Name()}: no per-case report file ({c.ReportFile}) to explain it from.";
        }
        catch (FormatException ex)
        {
            return $"{c.Id.Text} {c.Behavior.Name()} / close {c.BehaviorClose.Name()}: the per-case report could not be read ({ex.Message}).";
        }
    }
}
