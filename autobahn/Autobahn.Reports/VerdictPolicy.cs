namespace Autobahn.Runner.Reports;

/// <summary>Which verdicts make a run fail.</summary>
/// <param name="ClaimsCompression">The side under test offers permessage-deflate, so UNIMPLEMENTED is a failure.</param>
/// <param name="FailOnNonStrict">Treat NON-STRICT as a failure too.</param>
/// <param name="FailOnUnimplemented">Treat UNIMPLEMENTED as a failure even without a compression claim.</param>
public sealed record VerdictPolicy(bool ClaimsCompression = false, bool FailOnNonStrict = false, bool FailOnUnimplemented = false)
{
    /// <summary>Why a case fails the run, or null when it does not.</summary>
    public string? Reason(CaseResult c)
    {
        switch (c.Behavior)
        {
            case Behavior.Failed:
                return "behavior FAILED";
            case Behavior.NonStrict when FailOnNonStrict:
                return "behavior NON-STRICT (strict mode)";
            case Behavior.Unimplemented when ClaimsCompression:
                return "behavior UNIMPLEMENTED although compression is claimed";
            case Behavior.Unimplemented when FailOnUnimplemented:
                return "behavior UNIMPLEMENTED";
        }
        return c.BehaviorClose is CloseBehavior.Failed or CloseBehavior.Unclean or CloseBehavior.WrongCode or CloseBehavior.FailedByClient
            ? "close " + c.BehaviorClose.Name()
            : null;
    }

    public Verdict Evaluate(AgentReport report)
    {
        var failures = new List<(CaseResult Case, string Reason)>();
        foreach (var c in report.Cases)
        {
            if (Reason(c) is { } reason) failures.Add((c, reason));
        }
        return new Verdict(report.Agent, failures);
    }
}

/// <summary>The outcome of a run under a policy: the failing cases and the process exit code.</summary>
public sealed record Verdict(string Agent, IReadOnlyList<(CaseResult Case, string Reason)> Failures)
{
    public bool Passed => Failures.Count == 0;

    public int ExitCode => Passed ? 0 : 1;
}
