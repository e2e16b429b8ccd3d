using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;
using Xunit;
using Xunit.Abstractions;

namespace Autobahn.Runner.Tests;

/// <summary>Explanations of real per-case reports: the official suite's, Deno's, and our engine's against broken servers.</summary>
public class FailureExplainerTests(ITestOutputHelper output)
{
    private Explanation Explain(string relative)
    {
        var e = FailureExplainer.Explain(TestData.File(relative));
        output.WriteLine(e.ToText());
        return e;
    }

    [Theory]
    [InlineData("official-node-ws/servers/ws_node_case_6_4_1.json")]
    [InlineData("official-node-ws/servers/ws_node_case_6_4_2.json")]
    [InlineData("official-node-ws/servers/ws_node_case_6_4_3.json")]
    [InlineData("official-node-ws/servers/ws_node_case_6_4_4.json")]
    public void Non_strict_utf8_cases_name_the_expected_1007_and_what_came_back(string file)
    {
        var e = Explain(file);
        Assert.Equal(Behavior.NonStrict, e.Behavior);
        Assert.Contains("a text message", e.Sent);
        Assert.Contains("the server to close with 1007", e.Expected);
        Assert.Contains("(or, non-strict:", e.Expected);
        Assert.Contains("wait B", e.Got);
        Assert.Contains("close 1007", e.Got);
        Assert.Contains("expected nothing more, got quiet through wait B", e.Divergence);
        Assert.Contains(e.Frames, f => f.StartsWith("<- CLOSE fin=1 rsv=0 len=2 code=1007", StringComparison.Ordinal));
        Assert.Contains(e.Frames, f => f.Contains("<== diverged here", StringComparison.Ordinal));
        Assert.InRange(e.Frames.Count, 1, FailureExplainer.MaxFrames);
        Assert.StartsWith("NON-STRICT", e.Note);
    }

    [Fact]
    public void A_bulk_case_that_judged_its_echoes_itself_says_how_many_came_back_and_counts_the_frames()
    {
        // The shape of a 12.x report: no listed outcomes, the frames counted but kept out of the wire log.
        const string report = """
            {"id": "12.2.15", "behavior": "FAILED", "behaviorClose": "OK", "expected": {},
             "expectedClose": {"closeCode": [1000], "closedByMe": true, "requireClean": true},
             "received": [], "result": "Only 928 of 1000 messages came back before the connection ended (the limit is 480 s).",
             "closedByMe": true, "failedByMe": false, "droppedByMe": false, "wasClean": true, "isServer": false,
             "localCloseCode": 1000, "remoteCloseCode": 1000,
             "txFrameStats": {"0": 511000, "2": 1000, "8": 1}, "rxFrameStats": {"2": 928, "8": 1},
             "wirelog": [["WLM", false], ["WLM", true]]}
            """;
        using var doc = System.Text.Json.JsonDocument.Parse(report);
        var e = FailureExplainer.Explain(doc.RootElement);
        output.WriteLine(e.ToText());
        Assert.Contains("512,001 frames (511,000 continuation, 1,000 binary, 1 close)", e.Sent);
        Assert.Contains("every message to come back", e.Expected);
        Assert.Contains("only 928 of 1000 messages came back", e.Got);
        Assert.Contains("own check", e.Note);
        Assert.Contains("929 frames (928 binary, 1 close) received", e.Got);
    }

    [Fact]
    public void Fragments_and_the_frame_that_breaks_utf8_are_named()
    {
        var e = Explain("official-node-ws/servers/ws_node_case_6_4_1.json");
        Assert.Equal("a text message in 3 frames (11, 4 and 6 bytes) whose second frame makes it invalid UTF-8", e.Sent);
        Assert.Contains("-> TEXT fin=0 rsv=0 len=11 \"\u03ba\u1f79\u03c3\u03bc\u03b5\"", e.Frames);
    }

    [Fact]
    public void A_message_written_as_raw_octets_in_pieces_is_decoded()
    {
        var e = Explain("official-node-ws/servers/ws_node_case_6_4_3.json");
        Assert.StartsWith("a text message in 2 frames (21 and 0 bytes) split over 5 writes", e.Sent);
        Assert.Contains("-> TEXT fin=0 rsv=0 len=21 0xcebae1bdb9cf83cebcceb5f490808065… (in 4 writes)", e.Frames);
        Assert.Contains("whose first frame makes it invalid UTF-8", e.Sent);
    }

    [Fact]
    public void Informational_close_with_an_undefined_code_names_the_allowed_and_the_answered_codes()
    {
        var e = Explain("official-node-ws/servers/ws_node_case_7_13_1.json");
        Assert.Equal(Behavior.Informational, e.Behavior);
        Assert.Contains("a close with code 5000", e.Sent);
        Assert.Contains("our close to be answered with 1000, 5000 or 1002", e.Expected);
        Assert.Contains("we closed with 5000 and the server answered close 1002", e.Got);
        Assert.Null(e.Divergence);
        Assert.Contains("<- CLOSE fin=1 rsv=0 len=2 code=1002", e.Frames);
    }

    [Fact]
    public void Informational_7_1_6_shows_the_big_message_that_came_first()
    {
        var e = Explain("official-node-ws/servers/ws_node_case_7_1_6.json");
        Assert.Contains("a text message (262144 bytes)", e.Sent);
        Assert.Contains("got a text message (262144 bytes)", e.Divergence);
        Assert.Contains("expected the text message \"Hello World!\"", e.Divergence);
    }

    [Fact]
    public void Deno_samples_explain_unclean_drops_and_unimplemented_compression()
    {
        var drop = Explain("deno-server/servers/unknownserver_case_6_4_3.json");
        Assert.Contains("the server sent no close", drop.Got);
        Assert.Contains("uncleanly (peer dropped the TCP connection", drop.Got);

        var unimplemented = Explain("deno-server/servers/unknownserver_case_12_1_1.json");
        Assert.Equal(Behavior.Unimplemented, unimplemented.Behavior);
        Assert.Contains("permessage-deflate", unimplemented.Note);
        Assert.Contains("no outcome at all", unimplemented.Expected);
    }

    [Fact]
    public void A_server_echoing_invalid_utf8_fails_with_the_echo_and_close_1000_named()
    {
        var e = Explain("broken-servers/broken_utf8_case_6_4_1.json");
        Assert.Equal(Behavior.Failed, e.Behavior);
        Assert.Contains("the server to close with 1007", e.Expected);
        Assert.Contains("then on the wire the message echoed back as text (21 bytes) that is not valid UTF-8", e.Got);
        Assert.Contains("then we failed the connection with 1007", e.Got);
        Assert.Contains("<- TEXT fin=1 rsv=0 len=21 0x", string.Join("\n", e.Frames));
        Assert.Contains("FAILED: ", e.ToText());
    }

    [Fact]
    public void A_wrong_failure_code_is_named_with_the_expected_one()
    {
        var e = Explain("broken-servers/broken_wrongcode_case_3_1.json");
        Assert.Equal(CloseBehavior.WrongCode, e.BehaviorClose);
        Assert.Contains("with reserved bits set (rsv=1)", e.Sent);
        Assert.Contains("the server to close with 1002", e.Expected);
        Assert.Contains("close 1000", e.Got);
        Assert.Contains("close code 1000 is not one of the expected", e.Divergence);
        Assert.Contains("<- CLOSE fin=1 rsv=0 len=2 code=1000   <== diverged here", e.Frames);
    }

    [Fact]
    public void A_server_that_never_closes_is_unclean_or_failed_by_client()
    {
        var unclean = Explain("broken-servers/broken_noclose_case_1_1_1.json");
        Assert.Equal(CloseBehavior.Unclean, unclean.BehaviorClose);
        Assert.Contains("the server sent no close back", unclean.Got);
        Assert.Contains("closing handshake was not clean", unclean.Divergence);

        var byClient = Explain("broken-servers/broken_noclose_case_7_9_1.json");
        Assert.Equal(CloseBehavior.FailedByClient, byClient.BehaviorClose);
        Assert.Contains("never closed the TCP connection itself", byClient.Divergence);

        var failed = Explain("broken-servers/broken_noclose_case_3_2.json");
        Assert.Equal(CloseBehavior.Failed, failed.BehaviorClose);
        Assert.Contains("the server to close with 1002", failed.Expected);
        Assert.Contains("we had to close", failed.Divergence);
    }

    [Fact]
    public void The_text_carries_verdicts_sentences_and_at_most_eight_frame_lines()
    {
        var text = Explain("broken-servers/broken_utf8_case_7_1_6.json").ToText();
        Assert.StartsWith("7.1.6 INFORMATIONAL / close INFORMATIONAL: Sent ", text);
        var frameLines = text.Split('\n').SkipWhile(l => l != "frames:").Skip(1).ToList();
        Assert.InRange(frameLines.Count, 1, FailureExplainer.MaxFrames);
    }
}

/// <summary>Every non-OK case of the real reports in Data/ explains without error and within bounds.</summary>
public class FailureExplainerSharedTests
{
    [Fact]
    public void Every_non_ok_case_of_the_real_reports_is_explained()
    {
        var explained = 0;
        foreach (var folder in new[] { "official-node-ws/servers", "official-node-ws/clients", "deno-server/servers" })
        {
            foreach (var agent in SuiteIndex.Load(TestData.Dir(folder)).Agents)
            {
                foreach (var c in agent.Cases.Where(c => !c.IsOk))
                {
                    if (FailureExplainer.TryExplain(agent, c) is not { } e) continue;
                    Assert.Equal(c.Id.Text, e.CaseId);
                    Assert.Equal((c.Behavior, c.BehaviorClose), (e.Behavior, e.BehaviorClose));
                    Assert.InRange(e.Frames.Count, 0, FailureExplainer.MaxFrames);
                    Assert.False(string.IsNullOrWhiteSpace(e.Note));
                    explained++;
                }
            }
        }
        Assert.True(explained >= 2 * 7 + 7, $"only {explained} cases explained");
    }
}
