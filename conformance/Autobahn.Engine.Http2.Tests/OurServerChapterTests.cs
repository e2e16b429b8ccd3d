using Autobahn.Vocabulary;
using WebSocketKit;
using WebSocketKit.EchoServer;
using Xunit;
using Xunit.Abstractions;

namespace Autobahn.Engine.Http2.Tests;

/// <summary>
/// The RFC 8441 chapter against our own server: the echo server's Kestrel host, every WebSocket accepted through
/// WebSocketKit.AspNetCore (permessage-deflate enabled), over h2c and over TLS (ALPN h2, self-signed).
/// </summary>
public class OurServerChapterTests(ITestOutputHelper output)
{
    /// <summary>What our server does where a case is not OK; every case not listed must be OK.</summary>
    private static readonly Dictionary<string, string> Expected = new()
    {
        // Sent before the server's SETTINGS were read: the rule binds the client, so the case only records that it worked.
        ["h2-3.2"] = VerdictWords.Informational,
        // Connection and Upgrade fields in an HTTP/2 request: Kestrel itself ends the whole connection (GOAWAY
        // PROTOCOL_ERROR) before our code sees the request, where a stream error would suffice.
        ["h2-4.7"] = VerdictWords.NonStrict,
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Our_server_gives_the_expected_verdict_in_every_case(bool tls)
    {
        await using var server = new KestrelEchoHost(0, new Upgrader { EnableCompression = true }, KestrelEchoProtocols.Http2Cleartext,
            tls ? Autobahn.Engine.Transport.SelfSignedCertificate.ForLoopback() : null);
        await server.StartAsync();
        var url = new Uri($"{(tls ? "https" : "http")}://127.0.0.1:{server.Port}/");
        await ChapterVerdicts.AssertAsync(url, Expected, output);
        Assert.True(server.Http2WebSockets > 0, "the WebSockets came over HTTP/2");
    }
}
