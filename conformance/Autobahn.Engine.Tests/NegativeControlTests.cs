using Autobahn.Engine.Cases;
using Autobahn.Engine.Engine;
using Autobahn.Vocabulary;
using Xunit;

namespace Autobahn.Engine.Tests;

/// <summary>
/// Servers that break one rule each must fail exactly the cases aimed at that rule; the same server without the fault
/// passes them all. A checker that passes a broken peer, or fails a correct one, would be caught here.
/// </summary>
public sealed class NegativeControlTests
{
    private static readonly List<string> Chapters = ["1.*", "2.*", "3.*", "4.*", "5.*", "6.*", "7.*", "12.*.1", "12.*.2", "13.*.1", "13.*.2"];

    private static async Task<Dictionary<string, CaseResult>> RunAgainst(Faults faults)
    {
        await using var server = new BrokenEchoServer(faults);
        // Load-tolerant like every peer test (6.9.2 once missed its half second for an echo in a clean-clone CI): a
        // faulty answer still ends its case at the case's own time, so the faults are judged as before.
        var results = await EngineRuns.AgainstAsync(server.Url, "broken", Chapters, parallel: 8, serverOptions: EngineRuns.LoadTolerant);
        return results.ToDictionary(r => r.Case.Id);
    }

    /// <summary>The tool's failing rule with no flags: these servers do not offer compression.</summary>
    private static bool Failing(CaseResult r) => new VerdictPolicy().Reason(r.Behavior, r.BehaviorClose) is not null;

    [Fact]
    public async Task The_faultless_test_server_fails_no_case()
    {
        var results = await RunAgainst(Faults.None);
        Assert.Equal(CaseCatalog.Select(Chapters, []).Count, results.Count);
        var failing = results.Values.Where(Failing).Select(r => $"{r.Case.Id}: {r.Behavior}/{r.BehaviorClose}").ToList();
        Assert.True(failing.Count == 0, string.Join("\n", failing));
    }

    public static TheoryData<Faults> AllFaults => [Faults.SkipUtf8Validation, Faults.IgnoreReservedBits, Faults.WrongFailureCode, Faults.AcceptLongPing, Faults.CorruptCompressed];

    [Theory]
    [MemberData(nameof(AllFaults))]
    public async Task A_server_with_one_fault_fails_exactly_the_cases_aimed_at_it(Faults fault)
    {
        var results = await RunAgainst(fault);
        var expected = results.Values.Where(r => Targets(fault, r.Case)).Select(r => r.Case.Id).ToHashSet();
        var actual = results.Values.Where(Failing).Select(r => r.Case.Id).ToHashSet();
        Assert.NotEmpty(expected);
        Assert.True(expected.SetEquals(actual),
            $"aimed at the fault but passed: {string.Join("; ", expected.Except(actual).Select(id => Describe(results[id])))}; failed without being aimed at it: " +
            string.Join("; ", actual.Except(expected).Select(id => Describe(results[id]))));
    }

    [Fact]
    public async Task A_peer_that_fails_late_is_killed_at_the_cases_own_timer_unless_the_peer_answer_timeout_gives_it_longer()
    {
        // 6.20.6 gives the peer half a second to fail the connection for invalid UTF-8, 6.3.1 one second; this peer takes 1.5 s.
        List<string> cases = ["6.20.6", "6.3.1"];
        await using var server = new BrokenEchoServer(Faults.SlowToFail);
        var asTheSuiteHasIt = await EngineRuns.AgainstAsync(server.Url, "slow", cases);
        Assert.All(asTheSuiteHasIt, r => Assert.True(r.Behavior == "FAILED", Describe(r)));
        var tolerant = await EngineRuns.AgainstAsync(server.Url, "slow", cases, serverOptions: new() { ["peerAnswerTimeout"] = 10.0 });
        Assert.All(tolerant, r => Assert.True(r.Behavior == "OK" && r.BehaviorClose == "OK", Describe(r)));
    }

    /// <summary>Everything a surprising verdict rests on, so a failure here says why without a rerun.</summary>
    private static string Describe(CaseResult r) =>
        $"{r.Case.Id} {r.Behavior}/{r.BehaviorClose} in {r.DurationMs} ms (received [{string.Join(", ", r.Received.Select(e => e.Kind + (e.Tag is null ? "" : ":" + e.Tag)))}], " +
        $"closedByMe={r.ClosedByMe} failedByMe={r.FailedByMe} droppedByMe={r.DroppedByMe} remote close {r.RemoteCloseCode}, {r.ResultClose}, {r.WasNotCleanReason})";

    /// <summary>Which cases a fault must be caught by, stated from the cases' own expectations.</summary>
    private static bool Targets(Faults fault, CaseDefinition c) => fault switch
    {
        // Every text payload that must be refused as not UTF-8 (the close-reason case is about close frames, not messages).
        Faults.SkipUtf8Validation => c.Id.StartsWith("6.", StringComparison.Ordinal) && c.Close.Codes.SequenceEqual([1007]),
        Faults.IgnoreReservedBits => c.Id.StartsWith("3.", StringComparison.Ordinal),
        // Every case where the peer must fail the connection with a specific code other than normal closure.
        Faults.WrongFailureCode => !c.Close.Codes.Contains(1000),
        Faults.AcceptLongPing => c.Id == "2.5",
        Faults.CorruptCompressed => c.DeflateOffers.Count > 0,
        _ => false,
    };
}
