using Autobahn.Engine.Rfc8441;
using Autobahn.Vocabulary;
using Xunit;
using Xunit.Abstractions;

namespace Autobahn.Engine.Http2.Tests;

/// <summary>
/// The chapter against servers on the engine's own frame layer: a strict one passes every case, and each
/// deliberately broken one fails exactly the cases that target its fault, and no other.
/// </summary>
public class BrokenServerTests(ITestOutputHelper output)
{
    private async Task<IReadOnlyList<Rfc8441Result>> RunAgainst(H2Flaw flaw)
    {
        await using var server = new FrameLayerEchoServer(flaw);
        var results = await Rfc8441Run.RunAsync(server.Url, acceptAnyCertificate: false, Rfc8441Chapter.Cases, null, CancellationToken.None);
        foreach (var r in results) output.WriteLine($"{r.Case.Id,-7} {r.Verdict,-13} {r.DurationMs,5} ms  {r.Observed}");
        return results;
    }

    [Fact]
    public async Task The_strict_server_passes_every_case()
    {
        var results = await RunAgainst(H2Flaw.None);
        foreach (var r in results)
        {
            string expected = r.Case.Id == "h2-3.2" ? VerdictWords.Informational : VerdictWords.Ok;
            Assert.True(r.Verdict == expected, $"{r.Case.Id}: {r.Verdict}: {r.Observed}");
        }
    }

    [Theory]
    // Answering extended CONNECT without the setting fails only the case that looks for the setting.
    [InlineData(H2Flaw.NoConnectSetting, new[] { "h2-3.1" })]
    // Dropping TCP when a WebSocket closes fails the orderly close and the failed WebSocket beside a live one.
    [InlineData(H2Flaw.DropsConnectionAtClose, new[] { "h2-5.4", "h2-5.6" })]
    [InlineData(H2Flaw.IgnoresMissingPath, new[] { "h2-4.3" })]
    // A server that never returns a stream's window stalls the 1 MiB message (after the case's 30 s), and nothing else.
    [InlineData(H2Flaw.WithholdsWindow, new[] { "h2-5.5" })]
    // Masked frames from a server fail every case that reads an echo.
    [InlineData(H2Flaw.MasksItsFrames, new[] { "h2-5.1", "h2-5.2", "h2-5.3", "h2-5.4", "h2-5.5", "h2-5.6", "h2-5.7" })]
    public async Task A_broken_server_fails_exactly_its_target_cases(H2Flaw flaw, string[] targets)
    {
        var results = await RunAgainst(flaw);
        var failed = results.Where(r => r.Verdict == VerdictWords.Failed).Select(r => r.Case.Id).ToArray();
        Assert.Equal(targets, failed);
        Assert.All(results.Where(r => !targets.Contains(r.Case.Id)), r =>
            Assert.True(r.Verdict is VerdictWords.Ok or VerdictWords.Informational, $"{r.Case.Id}: {r.Verdict}: {r.Observed}"));
    }
}
