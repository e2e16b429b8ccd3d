namespace Autobahn.Vocabulary;

/// <summary>
/// The failing rule: which verdicts make a case, and so the run, fail. Behavior FAILED always does, and so does any
/// close verdict but OK and INFORMATIONAL; NON-STRICT and UNIMPLEMENTED only when the flags say so.
/// </summary>
/// <param name="ClaimsCompression">The side under test offers permessage-deflate, so UNIMPLEMENTED is a failure.</param>
/// <param name="FailOnNonStrict">Treat NON-STRICT as a failure too.</param>
/// <param name="FailOnUnimplemented">Treat UNIMPLEMENTED as a failure even without a compression claim.</param>
public sealed record VerdictPolicy(bool ClaimsCompression = false, bool FailOnNonStrict = false, bool FailOnUnimplemented = false)
{
    /// <summary>Why a case with these verdicts fails, or null when it does not.</summary>
    public string? Reason(Behavior behavior, CloseBehavior close)
    {
        switch (behavior)
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
        return close is CloseBehavior.Failed or CloseBehavior.Unclean or CloseBehavior.WrongCode or CloseBehavior.FailedByClient
            ? "close " + close.Name()
            : null;
    }

    /// <summary>The same for verdicts in the suite's words (as the engine keeps them).</summary>
    /// <exception cref="FormatException">A word the suite does not use.</exception>
    public string? Reason(string behavior, string close) =>
        Reason(VerdictNames.ParseBehavior(behavior), VerdictNames.ParseCloseBehavior(close));
}
