using Autobahn.Engine.Rfc8441;
using Autobahn.Vocabulary;
using Xunit;
using Xunit.Abstractions;

namespace Autobahn.Engine.Http2.Tests;

/// <summary>Runs the whole RFC 8441 chapter against a server and requires each case's verdict: the listed one, else OK.</summary>
internal static class ChapterVerdicts
{
    public static async Task AssertAsync(Uri url, IReadOnlyDictionary<string, string> exceptions, ITestOutputHelper output)
    {
        var results = await Rfc8441Run.RunAsync(url, acceptAnyCertificate: true, Rfc8441Chapter.Cases, null, CancellationToken.None);
        foreach (var r in results) output.WriteLine($"{r.Case.Id,-7} {r.Verdict,-13} {r.DurationMs,5} ms  {r.Observed}");
        Assert.Equal(Rfc8441Chapter.Cases.Count, results.Count);
        foreach (var r in results)
            Assert.True(r.Verdict == exceptions.GetValueOrDefault(r.Case.Id, VerdictWords.Ok), $"{r.Case.Id}: {r.Verdict}: {r.Observed}");
    }
}
