using WebSocketKit.Protocol.Compression;
using WebSocketKit.Protocol.Handshake;
using Xunit;

namespace WebSocketKit.ConnTests;

/// <summary>
/// RFC 8441: the opening handshake of a WebSocket over HTTP/2 (an extended CONNECT), as the Sans-IO
/// pieces see it, and the negotiation it shares with HTTP/1.1.
/// </summary>
public class ExtendedConnectHandshakeTests
{
    // The stream's request as a head: :method, :path, and Host standing for :authority.
    private static HttpRequestHead Connect(string method = "CONNECT", string target = "/chat", string? authority = "server.example.com",
        params (string Name, string Value)[] fields)
    {
        var headers = new HttpHeaderList();
        if (authority is not null) headers.Add("Host", authority);
        foreach (var (name, value) in fields) headers.Add(name, value);
        return new HttpRequestHead(method, target, 2, headers);
    }

    private static readonly (string, string) Version13 = ("Sec-WebSocket-Version", "13");

    [Fact]
    public void An_extended_CONNECT_with_protocol_websocket_and_version_13_is_accepted_with_200_and_no_key()
    {
        var v = ServerHandshake.ValidateExtendedConnect(Connect(fields: Version13), "websocket");
        Assert.True(v.Accepted);
        Assert.Equal(200, v.Status);
        Assert.Null(v.Key);
    }

    [Fact]
    public void The_protocol_token_is_compared_without_case() =>
        Assert.True(ServerHandshake.ValidateExtendedConnect(Connect(fields: Version13), "WebSocket").Accepted);

    public static TheoryData<HttpRequestHead, string?, int, string?> Refused => new()
    {
        { Connect(method: "GET", fields: Version13), "websocket", 405, "Allow" },
        { Connect(fields: Version13), null, 400, null },                      // a plain CONNECT (a tunnel), not a WebSocket
        { Connect(fields: Version13), "webtransport", 400, null },
        { Connect(authority: null, fields: Version13), "websocket", 400, null },
        { Connect(authority: "bad host", fields: Version13), "websocket", 400, null },
        { Connect(target: "", fields: Version13), "websocket", 400, null },
        { Connect(), "websocket", 400, "Sec-WebSocket-Version" },
        { Connect(fields: ("Sec-WebSocket-Version", "8")), "websocket", 400, "Sec-WebSocket-Version" },
        { Connect(fields: [Version13, Version13]), "websocket", 400, "Sec-WebSocket-Version" },
    };

    [Theory, MemberData(nameof(Refused))]
    public void A_request_that_breaks_RFC_8441_is_refused_with_the_status_it_calls_for(HttpRequestHead request, string? protocol, int status, string? field)
    {
        var v = ServerHandshake.ValidateExtendedConnect(request, protocol);
        Assert.False(v.Accepted);
        Assert.Equal(status, v.Status);
        Assert.Equal(field, v.HeaderName);
        if (field == "Sec-WebSocket-Version") Assert.Equal("13", v.HeaderValue);
    }

    [Fact]
    public void The_shared_negotiation_answers_an_extended_CONNECT_without_Upgrade_Connection_or_Accept()
    {
        var request = Connect(fields: [Version13, ("Sec-WebSocket-Protocol", "chat.v1, chat.v2"), ("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits")]);
        var settings = new ServerHandshakeSettings(["chat.v2"], Compression: new PerMessageDeflateOptions());
        var result = ServerNegotiation.Negotiate(request, ServerHandshake.ValidateExtendedConnect(request, "websocket"), settings, [new("X-App", "1"), new("Upgrade", "h2c")]);
        Assert.True(result.Accepted);
        Assert.Equal("chat.v2", result.Subprotocol);
        Assert.NotNull(result.Compression);
        var names = result.ResponseHeaders.Select(f => f.Key).ToArray();
        Assert.Equal(["Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "X-App"], names);
    }

    [Fact]
    public void Over_HTTP2_the_origin_policy_is_the_same_a_foreign_origin_gets_403()
    {
        var request = Connect(fields: [Version13, ("Origin", "https://evil.example")]);
        var result = ServerNegotiation.Negotiate(request, ServerHandshake.ValidateExtendedConnect(request, "websocket"), new ServerHandshakeSettings([]));
        Assert.Equal(403, result.Verdict.Status);
    }

    [Fact]
    public void A_version_refusal_passes_through_the_shared_negotiation_unchanged()
    {
        var request = Connect(fields: ("Sec-WebSocket-Version", "8"));
        var result = ServerNegotiation.Negotiate(request, ServerHandshake.ValidateExtendedConnect(request, "websocket"), new ServerHandshakeSettings([]));
        Assert.Equal(400, result.Verdict.Status);
        Assert.Empty(result.ResponseHeaders);
    }

    private static HttpResponseHead Response(int status, params (string Name, string Value)[] fields)
    {
        var headers = new HttpHeaderList();
        foreach (var (name, value) in fields) headers.Add(name, value);
        return new HttpResponseHead(0, status, "", headers);
    }

    [Fact]
    public void The_client_takes_a_200_without_Accept_as_the_acceptance() =>
        Assert.True(ClientHandshake.ValidateExtendedConnectResponse(Response(200)).Accepted);

    [Theory]
    [InlineData(101)]
    [InlineData(204)]
    [InlineData(400)]
    public void The_client_refuses_any_status_but_200(int status) =>
        Assert.False(ClientHandshake.ValidateExtendedConnectResponse(Response(status)).Accepted);

    [Fact]
    public void The_client_refuses_a_subprotocol_it_did_not_offer_as_over_HTTP11()
    {
        Assert.False(ClientHandshake.ValidateExtendedConnectResponse(Response(200, ("Sec-WebSocket-Protocol", "other")), ["chat"]).Accepted);
        Assert.Equal("chat", ClientHandshake.ValidateExtendedConnectResponse(Response(200, ("Sec-WebSocket-Protocol", "chat")), ["chat"]).Subprotocol);
    }

    [Fact]
    public void The_client_refuses_extensions_it_did_not_offer() =>
        Assert.False(ClientHandshake.ValidateExtendedConnectResponse(Response(200, ("Sec-WebSocket-Extensions", "permessage-deflate"))).Accepted);
}
