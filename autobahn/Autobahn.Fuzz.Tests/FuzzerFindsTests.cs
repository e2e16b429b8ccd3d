using System.Diagnostics;
using Autobahn.Runner;
using WebSocketKit;
using WebSocketKit.EchoServer;
using Xunit;

namespace Autobahn.Fuzz.Tests;

/// <summary>A temporary findings folder and the bounded options every run here uses (a fixed seed and a session budget).</summary>
public abstract class FuzzRunTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("fuzz-remote-test-").FullName;

    public void Dispose()
    {
        Directory.Delete(_out, recursive: true);
        GC.SuppressFinalize(this);
    }

    protected FuzzOptions Options(Uri url, int seed, int sessions) => new()
    {
        Target = url, Seed = seed, Sessions = sessions, Duration = TimeSpan.FromSeconds(40), Connections = 4,
        Deadline = TimeSpan.FromSeconds(0.5), ProbeEvery = 40, OutDirectory = _out, MinimizeBudget = 40, KeepPerRule = 1,
    };

    /// <summary>The one finding file written for any of <paramref name="rules"/>.</summary>
    protected static FindingFile Find(FuzzSummary summary, params string[] rules)
    {
        Assert.True(rules.Any(summary.FindingsByRule.ContainsKey), "rules found: " + string.Join(", ", summary.FindingsByRule.Keys));
        var file = Assert.Single(summary.Files, f => rules.Any(rule => Path.GetFileName(f).StartsWith(rule + "-", StringComparison.Ordinal)));
        return Replay.Load(file);
    }
}

/// <summary>A server that stops answering on a ping inside a fragmented text: found as a hang (or as a later error it no longer fails).</summary>
public sealed class HangingServerTests : FuzzRunTests
{
    [Fact]
    public async Task A_server_that_hangs_on_a_ping_inside_a_fragmented_text_is_found_minimized_and_replayed()
    {
        await using var server = new BrokenServer(Flaw.HangOnPingInsideFragmentedText);
        var clock = Stopwatch.StartNew();
        // A second of deadline: what a hang looks like must not depend on how busy the machine is.
        var options = Options(server.Url, seed: 5, sessions: 100) with { Deadline = TimeSpan.FromSeconds(1), MaxFindingFiles = 1 };
        var summary = await new FuzzCampaign(options, TextWriter.Null).RunAsync(CancellationToken.None);
        // A hanging server must not hold the campaign: it starts no batch after its 40 s, and what is under way then (a
        // batch, a minimization of at most 40 runs, a confirmation with four times the deadline) is bounded too.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(100), $"took {clock.Elapsed}, of which the campaign {summary.Seconds} s ({summary.Sessions} sessions, {summary.SlowSessions} slow)");
        Assert.True(!summary.FindingsByRule.Keys.Except(["hang", "not-failed"]).Any(), string.Join(", ", summary.FindingsByKind.Select(kv => $"{kv.Key} x{kv.Value}")));

        var finding = Find(summary, "hang", "not-failed");
        Assert.True(finding.Reproduced);
        Assert.InRange(finding.Session.FrameCount, 2, 4);
        Assert.Contains(finding.Session.Steps, s => s.Opcode == 9);
        Assert.Contains(finding.Session.Steps, s => s.Opcode == 1 && !s.Fin);

        var log = new StringWriter();
        var verdict = await Replay.RunAsync(finding, server.Url, TimeSpan.FromSeconds(1), log, CancellationToken.None);
        Assert.Equal(finding.Rule, verdict?.Rule);
        Assert.Contains("sent text fin=0", log.ToString());
        Assert.Contains($"verdict: [{finding.Rule}]", log.ToString());
    }
}

/// <summary>A server that stops reading: our sends stall once the socket buffers are full, and that must end the session, not block it.</summary>
public sealed class StalledSendTests
{
    [Fact]
    public async Task A_server_that_stops_reading_is_found_as_a_hang_within_the_deadline_instead_of_blocking_the_fuzzer()
    {
        await using var server = new BrokenServer(Flaw.StopsReadingAfterHandshake);
        // 64 binary messages of 1 MiB: far more than the socket buffers of both ends can hold over loopback (Linux lets
        // a receive buffer grow to tcp_rmem's maximum, 32 MiB here, and a send buffer to tcp_wmem's, 4 MiB). 64 messages
        // of 64 KiB were too few: under load, all 4 MiB were sometimes taken into the buffers without a stall.
        var payload = Convert.ToHexStringLower(new byte[1024 * 1024]);
        var session = new FuzzSession
        {
            Handshake = Minimizer.PlainHandshake(new HandshakeSpec(), keepExtensions: false),
            Steps = [.. Enumerable.Range(0, 64).Select(_ => new FuzzStep { Opcode = 2, Payload = payload })],
        };
        var run = new SessionExecutor(server.Url, TimeSpan.FromSeconds(1)).RunAsync(session, CancellationToken.None);
        // Bounded here, so that a blocked send fails this test instead of hanging the test run.
        var t = await run.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(101, t.Status);
        Assert.True(t.SendStalled);
        Assert.InRange(t.StepsSent, 1, 63);
        var verdict = Oracle.Judge(session, t, echo: true);
        Assert.Equal("hang", verdict?.Rule);
        Assert.Contains("stopped reading", verdict!.What);
    }
}

/// <summary>A server that echoes a text that is not UTF-8 where it must fail with 1007.</summary>
public sealed class Utf8EchoingServerTests : FuzzRunTests
{
    [Fact]
    public async Task A_server_that_echoes_invalid_utf8_instead_of_closing_1007_is_found_minimized_and_replayed()
    {
        await using var server = new BrokenServer(Flaw.EchoesInvalidUtf8);
        var summary = await new FuzzCampaign(Options(server.Url, seed: 5, sessions: 80), TextWriter.Null).RunAsync(CancellationToken.None);
        Assert.True(summary.FindingsByRule.Keys.SequenceEqual(["not-failed"]), string.Join(", ", summary.FindingsByKind.Select(kv => $"{kv.Key} x{kv.Value}")));

        var finding = Find(summary, "not-failed");
        Assert.True(finding.Reproduced, $"first run: {finding.What}; second run: {finding.SecondRun}; session: {string.Join("; ", finding.Session.Steps)}; handshake: {finding.Session.Handshake}");
        Assert.InRange(finding.Session.FrameCount, 1, 4);
        Assert.Contains("not UTF-8", finding.What);
        // Delta debugging over bytes leaves little more than the bad sequence itself.
        Assert.True(finding.Session.Steps.Sum(s => s.PayloadBytes.Length) <= 32, string.Join("; ", finding.Session.Steps));

        // The echo comes back at once, so a longer deadline costs only the wait for a close that never comes.
        var verdict = await Replay.RunAsync(finding, server.Url, TimeSpan.FromSeconds(2), new StringWriter(), CancellationToken.None);
        Assert.Equal("not-failed", verdict?.Rule);
    }
}

/// <summary>A server slower than the deadline but right: what rests on the deadline is run again with more time before it counts.</summary>
public sealed class SlowServerTests : FuzzRunTests
{
    [Fact]
    public async Task A_server_that_fails_errors_correctly_but_after_the_deadline_is_counted_slow_not_found_not_failing()
    {
        await using var server = new BrokenServer(Flaw.FailsSlowly);
        // 0.5 s of deadline against a server that waits 0.8 s: every protocol error looks unanswered on the first run,
        // and is answered well within the 2 s of the second.
        var options = Options(server.Url, seed: 5, sessions: 24);
        Assert.True(options.Deadline < BrokenServer.SlowFailure && BrokenServer.SlowFailure * 2 < options.Deadline * 4);
        var summary = await new FuzzCampaign(options, TextWriter.Null).RunAsync(CancellationToken.None);
        Assert.True(summary.Findings == 0, string.Join(", ", summary.FindingsByKind.Select(kv => $"{kv.Key} x{kv.Value}")));
        Assert.InRange(summary.SlowSessions, 1, summary.Sessions);
    }
}

/// <summary>Our echo server must come out clean; and what the fuzzer's own parts promise (determinism, loopback only).</summary>
public sealed class CleanServerTests : FuzzRunTests
{
    [Fact]
    public async Task Our_echo_server_gives_no_finding_in_a_short_run()
    {
        await using var server = new EchoServer(0, new Upgrader { EnableCompression = true });
        server.Start();
        var url = new Uri($"ws://127.0.0.1:{server.Port}/");
        var options = Options(url, seed: 3, sessions: 300) with { Deadline = TimeSpan.FromSeconds(2) };
        var summary = await new FuzzCampaign(options, TextWriter.Null).RunAsync(CancellationToken.None);
        Assert.Equal(300, summary.Sessions);
        Assert.True(summary.Findings == 0, "findings: " + string.Join(", ", summary.FindingsByRule.Select(kv => $"{kv.Key} {kv.Value}")) + " " + string.Join(' ', summary.Files.Select(File.ReadAllText)));
        Assert.True(summary.Signatures > 20, $"only {summary.Signatures} behaviours");
    }

    [Fact]
    public void The_same_seed_generates_the_same_sessions()
    {
        var a = new Generator(42);
        var b = new Generator(42);
        for (int i = 0; i < 50; i++)
        {
            var x = System.Text.Json.JsonSerializer.Serialize(i % 2 == 0 ? a.NewSession() : a.Mutate(a.NewSession()), FuzzJson.Options);
            var y = System.Text.Json.JsonSerializer.Serialize(i % 2 == 0 ? b.NewSession() : b.Mutate(b.NewSession()), FuzzJson.Options);
            Assert.Equal(x, y);
        }
    }

    [Theory]
    [InlineData("ws://127.0.0.1:9001/", false, true)]
    [InlineData("ws://localhost:9001/", false, true)]
    [InlineData("ws://[::1]:9001/", false, true)]
    [InlineData("ws://example.com/", false, false)]
    [InlineData("ws://example.com/", true, true)]
    [InlineData("wss://127.0.0.1/", false, false)]
    [InlineData("http://127.0.0.1/", false, false)]
    public void Only_loopback_targets_unless_allowed(string url, bool allowRemote, bool accepted) =>
        Assert.Equal(accepted, FuzzCommands.Target(url, allowRemote, TextWriter.Null) is not null);
}
