using Autobahn.Engine.Cases;
using Autobahn.Engine.Engine;
using Autobahn.Vocabulary;
using Xunit;
using Xunit.Abstractions;

namespace Autobahn.Engine.Tests;

/// <summary>
/// The check every implementation that passes the official suite must pass with our engine too: the tool's failing
/// rule (<see cref="VerdictPolicy"/>: no FAILED behaviour, no FAILED / UNCLEAN / WRONG CODE / FAILED BY CLIENT close;
/// NON-STRICT and INFORMATIONAL are allowed, they depend on timing the spec leaves open), and UNIMPLEMENTED only in
/// the compression chapters of a peer without permessage-deflate.
/// </summary>
public static class PeerVerdicts
{
    /// <summary>What third-party peers run: all of 1-7 and 10, a sample of 9 and of 12/13, well under a minute each.</summary>
    public static readonly List<string> Sample =
        ["1.*", "2.*", "3.*", "4.*", "5.*", "6.*", "7.*", "9.1.1", "9.1.2", "9.2.1", "9.2.2", "9.7.1", "9.7.2", "9.8.1", "9.8.2", "10.*", "12.*.1", "13.*.1", "13.*.2"];

    /// <summary>Chapters 12/13's subcases 5-18: 1000 messages of 8 KiB to 128 KiB each, minutes in all; `make autobahn` runs them.</summary>
    public static readonly List<string> LargeCompressionCases = [.. Enumerable.Range(5, 14).SelectMany(i => new[] { $"12.*.{i}", $"13.*.{i}" })];

    private static bool Compression(CaseResult r) => Chapters.Compression.Contains(CaseId.Parse(r.Case.Id));

    /// <summary>
    /// Runs the cases once (the timing-sensitive ones run alone, so a busy machine does not turn a verdict; no rerun),
    /// prints the chapter table and asserts. <paramref name="deflate"/>: whether the
    /// peer does permessage-deflate; null when it may or may not (then chapters 12/13 must be all UNIMPLEMENTED or none).
    /// <paramref name="run"/> gets exact case ids.
    /// </summary>
    public static async Task<IReadOnlyList<CaseResult>> AssertPassesAsync(
        string agent, List<string> cases, bool? deflate, Func<List<string>, Task<IReadOnlyList<CaseResult>>> run, ITestOutputHelper output,
        List<string>? exclude = null)
    {
        var ids = CaseCatalog.Select(cases, exclude ?? []).Select(c => c.Id).ToList();
        var results = await run(ids);
        Assert.Equal(ids, results.Select(r => r.Case.Id).Order(CaseId.SuiteOrder));
        bool negotiates = deflate ?? results.Where(Compression).Any(r => r.Behavior != VerdictWords.Unimplemented);
        // A peer that negotiates compression claims it; outside 12/13 no case has a reason to say UNIMPLEMENTED.
        string? Reason(CaseResult r) =>
            new VerdictPolicy(ClaimsCompression: negotiates, FailOnUnimplemented: !Compression(r)).Reason(r.Behavior, r.BehaviorClose);
        output.WriteLine(ChapterTable.Format(agent, results));
        var failing = results.Where(r => Reason(r) is not null)
            .Select(r => $"{r.Case.Id}: {Reason(r)}: {r.Behavior}/{r.BehaviorClose}: {r.Result} / {r.ResultClose}" +
                (r.WasNotCleanReason is { } why ? $" (not clean: {why}, after {r.DurationMs} ms)" : "")).ToList();
        Assert.True(failing.Count == 0, string.Join("\n", failing));
        return results;
    }
}
