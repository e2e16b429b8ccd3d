using System.Text;
using WebSocketKit.Protocol.Compression;
using WebSocketKit.Protocol.Handshake;
using Xunit;

namespace WebSocketKit.Tests.Protocol;

/// <summary>The server's whole negotiation, without I/O: what both hosts (stream and ASP.NET Core) run.</summary>
public class ServerNegotiationTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    private static HttpRequestHead Request(string extra = "")
    {
        var text = $"GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                   $"Sec-WebSocket-Key: {Key}\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n";
        Assert.Equal(HttpParseStatus.Complete, HttpHeadParser.ParseRequest(Encoding.ASCII.GetBytes(text), HttpParseLimits.Default, out var head, out _, out _));
        return head!;
    }

    private static string? Field(ServerNegotiationResult r, string name)
        => r.ResponseHeaders.Where(h => h.Key == name).Select(h => h.Value).SingleOrDefault();

    [Fact]
    public void An_accepted_request_gets_the_subprotocol_compression_and_the_101_fields_in_one_result()
    {
        var settings = new ServerHandshakeSettings(["v2", "v1"], Compression: new PerMessageDeflateOptions());
        var r = ServerNegotiation.Negotiate(Request("Sec-WebSocket-Protocol: v1, v2\r\nSec-WebSocket-Extensions: permessage-deflate\r\n"),
            settings, [new("X-App", "yes"), new("Sec-WebSocket-Accept", "forged")]);
        Assert.True(r.Accepted);
        Assert.Equal(101, r.Verdict.Status);
        Assert.Equal("v2", r.Subprotocol);
        Assert.NotNull(r.Compression);
        Assert.StartsWith("permessage-deflate", r.Extensions);
        Assert.Equal("websocket", Field(r, "Upgrade"));
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Field(r, "Sec-WebSocket-Accept"));
        Assert.Equal("v2", Field(r, "Sec-WebSocket-Protocol"));
        Assert.Equal(r.Extensions, Field(r, "Sec-WebSocket-Extensions"));
        Assert.Equal("yes", Field(r, "X-App"));
    }

    [Fact]
    public void Without_compression_settings_an_offer_is_ignored()
    {
        var r = ServerNegotiation.Negotiate(Request("Sec-WebSocket-Extensions: permessage-deflate\r\n"), new ServerHandshakeSettings([]));
        Assert.True(r.Accepted);
        Assert.Null(r.Compression);
        Assert.Null(Field(r, "Sec-WebSocket-Extensions"));
    }

    [Fact]
    public void A_foreign_origin_is_refused_with_403_unless_the_policy_allows_it()
    {
        var request = Request("Origin: http://evil.example\r\n");
        var refused = ServerNegotiation.Negotiate(request, new ServerHandshakeSettings([]));
        Assert.False(refused.Accepted);
        Assert.Equal(403, refused.Verdict.Status);
        Assert.Empty(refused.ResponseHeaders);
        Assert.True(ServerNegotiation.Negotiate(request, new ServerHandshakeSettings([], CheckOrigin: _ => true)).Accepted);
    }

    [Fact]
    public void A_version_level_refusal_passes_through_before_the_origin_is_asked()
    {
        bool asked = false;
        var r = ServerNegotiation.Negotiate(Request("Content-Length: 4\r\n"), new ServerHandshakeSettings([], CheckOrigin: _ => asked = true));
        Assert.Equal(400, r.Verdict.Status);
        Assert.False(asked);
    }

    [Fact]
    public void A_keyless_acceptance_as_HTTP2_extended_CONNECT_would_give_has_no_HTTP1_upgrade_fields()
    {
        var r = ServerNegotiation.Negotiate(Request("Sec-WebSocket-Protocol: chat\r\n"), new HandshakeVerdict(200, "OK"),
            new ServerHandshakeSettings(["chat"]));
        Assert.True(r.Accepted);
        Assert.Equal(200, r.Verdict.Status);
        Assert.Equal([new KeyValuePair<string, string>("Sec-WebSocket-Protocol", "chat")], r.ResponseHeaders);
    }
}
