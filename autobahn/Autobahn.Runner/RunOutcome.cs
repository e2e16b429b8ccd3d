using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;

namespace Autobahn.Runner;

/// <summary>One mode's run, judged: the agent's cases (and, in <see cref="AgentReport.Directory"/>, where its reports are), and the verdict under the run's policy.</summary>
/// <param name="Folder">The mode's folder under the reports folder: "servers" or "clients".</param>
/// <param name="Info">What produced the report; null for reports written by another tool.</param>
/// <param name="NotRun">Selected cases the run has no result for (an outside client that stopped early); they fail the run.</param>
public sealed record RunOutcome(string Folder, AgentReport Report, Verdict Verdict, VerdictPolicy Policy, RunInfo? Info, int NotRun = 0)
{
    /// <summary>What the CI outputs read: the report with how it was produced, each case explained once.</summary>
    public AgentRun Run { get; } = AgentRun.From(Report, Folder, Info);

    public bool Passed => Verdict.Passed && NotRun == 0;

    public string Mode => Folder == ClientMode.Folder ? "client" : "server";
}
