using Autobahn.Engine.Cases;
using Autobahn.Engine.Engine;
using Autobahn.Engine.Modes;
using Autobahn.Engine.Transport;
using Autobahn.Vocabulary;
using Xunit;
using Xunit.Abstractions;

namespace Autobahn.Engine.Http2.Tests;

/// <summary>
/// RFC 8441 section 5: a WebSocket over HTTP/2 ends with its stream (END_STREAM, or RST_STREAM for an abrupt end),
/// never with the connection under it. The engine's client judges how a server ended case 1.1.1 over h2c, and the
/// verdict must be the same on every run, however the handler's reading of the GOAWAY, the reset and the TCP end interleave.
/// </summary>
public class StreamEndVerdictTests(ITestOutputHelper output)
{
    // Enough runs that a verdict depending on which thread comes first shows up: before the fix, a GOAWAY that gave the
    // stream up was judged OK on some runs and UNCLEAN on others, and a reset followed by a TCP close FAILED on most.
    private const int Runs = 20;

    private const string ClosedTcp = "The server closed the TCP connection instead of ending the WebSocket's HTTP/2 stream (RFC 8441 section 5)";

    // The echo and the closing handshake get all the time they need (the first case of a run starts cold): only the
    // transport's rule may change a verdict here.
    private static readonly Timeouts Patient = new() { OpenHandshake = 10, CloseHandshake = 10, ServerConnectionDrop = 10, PeerAnswer = 10 };

    private async Task<List<CaseResult>> RunAgainst(H2Flaw flaw)
    {
        await using var server = new FrameLayerEchoServer(flaw);
        var definition = CaseCatalog.Select(["1.1.1"], []).Single();
        var way = new TransportOption(WebSocketTransports.H2c, AcceptAnyCertificate: false);
        var results = new List<CaseResult>();
        for (int i = 0; i < Runs; i++)
        {
            var r = await FuzzingClient.RunCaseAsync(definition, server.Url, "frame-layer (h2c)", Patient, CancellationToken.None, way);
            output.WriteLine($"{i,2} {r.Behavior,-6} {r.BehaviorClose,-8} {r.DurationMs,5} ms  {r.ResultClose}  ({r.WasNotCleanReason})");
            results.Add(r);
        }
        return results;
    }

    [Theory]
    // TCP closed, no GOAWAY: the fault the engine has always named.
    [InlineData(H2Flaw.DropsConnectionAtClose, ClosedTcp)]
    // GOAWAY that keeps the stream, then TCP closed (Kestrel's Abort): the stream fails only when the connection does.
    [InlineData(H2Flaw.GoesAwayAtClose, ClosedTcp)]
    // GOAWAY that gives the stream up, and TCP closed only after the client has acted on it: the GOAWAY itself fails the stream.
    [InlineData(H2Flaw.GoesAwayBelowTheStreamAtClose, "The server ended the HTTP/2 connection with GOAWAY instead of ending the WebSocket's HTTP/2 stream (RFC 8441 section 5)")]
    public async Task A_server_that_ends_the_connection_instead_of_the_stream_fails_the_close_on_every_run(H2Flaw flaw, string reason)
    {
        var results = await RunAgainst(flaw);
        Assert.All(results, r =>
        {
            Assert.Equal(VerdictWords.Ok, r.Behavior);
            Assert.Equal((VerdictWords.Failed, reason), (r.BehaviorClose, r.ResultClose));
        });
    }

    [Theory]
    // RST_STREAM is the stream's own abrupt end, END_STREAM its orderly one: the GOAWAY and the TCP close right behind
    // either come after the WebSocket has ended. (The handler drops what it holds of a stream the connection fails
    // under, so the server's Close may be lost before the session reads it, and the close verdict may then be UNCLEAN;
    // that is the handler's timing, not the transport's rule, which must never be the verdict here.)
    [InlineData(H2Flaw.ResetsThenGoesAwayAtClose)]
    [InlineData(H2Flaw.EndsThenGoesAwayAtClose)]
    [InlineData(H2Flaw.None)]
    public async Task A_server_that_ends_the_stream_before_the_connection_is_never_judged_to_have_ended_the_connection_instead(H2Flaw flaw)
    {
        var results = await RunAgainst(flaw);
        Assert.All(results, r =>
        {
            Assert.Equal(VerdictWords.Ok, r.Behavior);
            Assert.True(r.BehaviorClose is VerdictWords.Ok or VerdictWords.Unclean, $"{r.BehaviorClose}: {r.ResultClose}");
        });
        if (flaw == H2Flaw.None) Assert.All(results, r => Assert.Equal(VerdictWords.Ok, r.BehaviorClose));
    }
}
