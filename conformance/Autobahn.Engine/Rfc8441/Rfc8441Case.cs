namespace Autobahn.Engine.Rfc8441;

/// <summary>
/// One requirement of WebSocket over HTTP/2, as a case: its id (h2-SECTION.N, where SECTION is the RFC 8441 section
/// the requirement serves; the "h2-" prefix keeps it apart from the Autobahn suite's numeric ids), the sections it
/// rests on, the requirement in our words, what the server must do, and the probe that finds out.
/// </summary>
public sealed record Rfc8441Case(string Id, string Cites, string Requirement, string Expectation, Func<Rfc8441Probe, CancellationToken, Task<CaseVerdict>> Run);

/// <summary>A verdict word of the suite's vocabulary and what was seen that earned it.</summary>
public sealed record CaseVerdict(string Verdict, string Observed);

/// <summary>What one case gave against one server.</summary>
public sealed record Rfc8441Result(Rfc8441Case Case, string Verdict, string Observed, long DurationMs);

/// <summary>The server under test did something the case cannot go on from; the message says what, and the case fails.</summary>
public sealed class CaseFailedException(string observed) : Exception(observed);
