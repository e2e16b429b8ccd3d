using Autobahn.Engine.Rfc8441;
using Autobahn.Vocabulary;
using Xunit;
using Xunit.Abstractions;

namespace Autobahn.Engine.Http2.Tests;

/// <summary>The RFC 8441 chapter against Kestrel's own WebSocket middleware, over h2c and over TLS (ALPN h2, self-signed).</summary>
public class KestrelChapterTests(ITestOutputHelper output)
{
    /// <summary>What Kestrel does, case by case; every case not listed is OK.</summary>
    private static readonly Dictionary<string, string> Expected = new()
    {
        // Sent before the server's SETTINGS were read: Kestrel answers 200 and the WebSocket works (its SETTINGS were on the way).
        ["h2-3.2"] = VerdictWords.Informational,
        // No :authority and no Host: Kestrel opens the WebSocket anyway.
        ["h2-4.6"] = VerdictWords.NonStrict,
        // Connection and Upgrade fields: Kestrel ends the whole connection (GOAWAY PROTOCOL_ERROR), not just the stream.
        ["h2-4.7"] = VerdictWords.NonStrict,
        // sec-websocket-version 12: the middleware does not take it as a WebSocket request, so the app's 404 answers, not 426 or 400.
        ["h2-4.9"] = VerdictWords.NonStrict,
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Kestrels_middleware_gives_the_expected_verdict_in_every_case(bool tls)
    {
        await using var kestrel = await KestrelEchoPeer.StartAsync(tls);
        await ChapterVerdicts.AssertAsync(kestrel.Url, Expected, output);
    }
}

/// <summary>The frame layer against Kestrel where the chapter does not reach: a header block that needs CONTINUATION frames.</summary>
public class KestrelFrameLayerTests
{
    [Fact]
    public async Task A_header_block_larger_than_a_frame_goes_as_HEADERS_and_CONTINUATION_and_Kestrel_takes_it()
    {
        await using var kestrel = await KestrelEchoPeer.StartAsync(tls: false);
        await using var probe = new Rfc8441Probe(kestrel.Url, acceptAnyCertificate: false);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var c = await probe.ConnectReadyAsync(cts.Token);
        // 20000 octets of one field: more than the 16384 of a frame, less than Kestrel's 32 KiB header limit.
        var (stream, answer) = await probe.RequestAsync(c, [.. probe.ExtendedConnect(), new("x-filler", new string('a', 20000))], cts.Token);
        Assert.Equal(200, answer.Status);
        await probe.EchoAsync(new StreamWebSocket(c, stream, isClient: true), 1, "after a long header block"u8.ToArray(), "a text message", cts.Token);
    }

    [Theory]
    [InlineData(false, "the first frame is GOAWAY")]
    [InlineData(true, "the TLS handshake failed")]
    public async Task A_server_that_speaks_only_HTTP_1_1_is_named_as_such_and_the_run_cannot_start(bool tls, string said)
    {
        await using var kestrel = await KestrelEchoPeer.StartAsync(tls, Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var problem = await Rfc8441Run.CheckReachableAsync(kestrel.Url, acceptAnyCertificate: true, cts.Token);
        Assert.NotNull(problem);
        Assert.True(problem.Contains(said, StringComparison.Ordinal), problem);
    }
}
