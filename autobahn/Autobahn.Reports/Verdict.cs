using Autobahn.Vocabulary;

namespace Autobahn.Runner.Reports;

/// <summary>The outcome of a run under a policy: the failing cases and the process exit code.</summary>
public sealed record Verdict(string Agent, IReadOnlyList<(CaseResult Case, string Reason)> Failures)
{
    public bool Passed => Failures.Count == 0;

    public int ExitCode => Passed ? 0 : 1;
}

/// <summary>The failing rule (<see cref="VerdictPolicy"/>) applied to the cases of a report.</summary>
public static class VerdictPolicyReports
{
    /// <summary>Why a case fails the run, or null when it does not.</summary>
    public static string? Reason(this VerdictPolicy policy, CaseResult c) => policy.Reason(c.Behavior, c.BehaviorClose);

    public static Verdict Evaluate(this VerdictPolicy policy, AgentReport report)
    {
        var failures = new List<(CaseResult Case, string Reason)>();
        foreach (var c in report.Cases)
        {
            if (policy.Reason(c) is { } reason) failures.Add((c, reason));
        }
        return new Verdict(report.Agent, failures);
    }
}
