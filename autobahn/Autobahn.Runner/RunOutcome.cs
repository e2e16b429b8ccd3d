using Autobahn.Runner.Reports;

namespace Autobahn.Runner;

/// <summary>One mode's run, judged: where its reports are, the agent's cases, and the verdict under the run's policy.</summary>
/// <param name="Folder">The mode's folder under the reports folder: "servers" or "clients".</param>
/// <param name="Info">What produced the report; null for reports written by another tool.</param>
/// <param name="NotRun">Selected cases the run has no result for (an outside client that stopped early); they fail the run.</param>
public sealed record RunOutcome(string Folder, string Outdir, AgentReport Report, Verdict Verdict, VerdictPolicy Policy, RunInfo? Info, int NotRun = 0)
{
    public bool Passed => Verdict.Passed && NotRun == 0;

    public string Mode => Folder == ClientMode.Folder ? "client" : "server";
}
