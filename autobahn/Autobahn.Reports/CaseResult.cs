using Autobahn.Vocabulary;

namespace Autobahn.Runner.Reports;

/// <summary>One case's line in the suite's index.json.</summary>
/// <param name="DurationMs">Absent in some older reports, hence nullable.</param>
/// <param name="RemoteCloseCode">Null when the peer sent no close code.</param>
public sealed record CaseResult(
    CaseId Id,
    Behavior Behavior,
    CloseBehavior BehaviorClose,
    int? DurationMs,
    int? RemoteCloseCode,
    string ReportFile)
{
    public bool IsOk => Behavior == Behavior.Ok && BehaviorClose == CloseBehavior.Ok;
}
