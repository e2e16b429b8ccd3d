using System.Text;
using WebSocketKit.Protocol.Handshake;
using Xunit;

namespace WebSocketKit.ConnTests;

/// <summary>RFC 6455 section 4: the opening handshake, as the Sans-IO pieces see it.</summary>
public class HandshakeTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    private static HttpRequestHead Parse(string text)
    {
        var status = HttpHeadParser.ParseRequest(Encoding.Latin1.GetBytes(text), HttpParseLimits.Default, out var head, out _, out var error);
        Assert.True(status == HttpParseStatus.Complete, $"{status} {error}");
        return head!;
    }

    private static string Request(string? version = "13", string? key = Key, string method = "GET", string http = "HTTP/1.1",
        string? host = "server.example.com", string? upgrade = "websocket", string? connection = "Upgrade", string extra = "")
    {
        var sb = new StringBuilder($"{method} /chat {http}\r\n");
        if (host is not null) sb.Append($"Host: {host}\r\n");
        if (upgrade is not null) sb.Append($"Upgrade: {upgrade}\r\n");
        if (connection is not null) sb.Append($"Connection: {connection}\r\n");
        if (key is not null) sb.Append($"Sec-WebSocket-Key: {key}\r\n");
        if (version is not null) sb.Append($"Sec-WebSocket-Version: {version}\r\n");
        sb.Append(extra).Append("\r\n");
        return sb.ToString();
    }

    [Fact]
    public void The_accept_value_of_the_RFC_example_key_is_the_RFC_example_answer()
        => Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketKey.ComputeAccept(Key));

    [Fact]
    public void A_valid_request_is_accepted_with_its_key()
    {
        var v = ServerHandshake.Validate(Parse(Request(connection: "keep-alive, UPGRADE", upgrade: "WebSocket")));
        Assert.True(v.Accepted);
        Assert.Equal(Key, v.Key);
    }

    public static TheoryData<string, int, string?> Rejected => new()
    {
        { Request(method: "POST"), 405, "Allow" },
        { Request(http: "HTTP/1.0"), 400, null },
        { Request(host: null), 400, null },
        { Request(extra: "Host: other.example\r\n"), 400, null },
        { Request(upgrade: null), 426, "Upgrade" },
        { Request(upgrade: "h2c"), 426, "Upgrade" },
        { Request(connection: null), 400, null },
        { Request(connection: "keep-alive"), 400, null },
        { Request(version: null), 426, "Sec-WebSocket-Version" },
        { Request(version: "8"), 426, "Sec-WebSocket-Version" },
        { Request(extra: "Sec-WebSocket-Version: 13\r\n"), 426, "Sec-WebSocket-Version" },
        { Request(key: null), 400, null },
        { Request(key: "not base64!"), 400, null },
        { Request(key: "AAAAAAAAAAAAAAAAAAAA"), 400, null },          // 15 bytes
        { Request(key: "AAAAAAAAAAAAAAAAAAAAAAAAAAA="), 400, null },  // 20 bytes
        { Request(extra: $"Sec-WebSocket-Key: {Key}\r\n"), 400, null },
        { Request(host: "a b"), 400, null },
        { Request(host: "a:b"), 400, null },
        { Request(host: "a:80:80"), 400, null },
        { Request(host: "user@a"), 400, null },
        { Request(host: "a/b"), 400, null },
        { Request(host: "[::1"), 400, null },
        { Request(host: "[zz::1]"), 400, null },
        { Request(host: ":80"), 400, null },
        { Request(extra: "Content-Length: 3\r\n"), 400, null },
        { Request(extra: "Content-Length: 0\r\nContent-Length: 3\r\n"), 400, null },
        { Request(extra: "Transfer-Encoding: chunked\r\n"), 400, null },
    };

    [Theory]
    [InlineData("server.example.com")]
    [InlineData("server.example.com:8080")]
    [InlineData("127.0.0.1:9001")]
    [InlineData("[::1]:9001")]
    [InlineData("[2001:db8::7]")]
    [InlineData("[v1.fe80::a+en1]")]
    [InlineData("xn--bcher-kva.example")]
    [InlineData("a%20b")]
    [InlineData("host:")]
    public void Hosts_that_are_authorities_are_accepted(string host)
        => Assert.True(ServerHandshake.Validate(Parse(Request(host: host))).Accepted, host);

    [Fact]
    public void A_request_announcing_an_empty_body_is_accepted()
        => Assert.True(ServerHandshake.Validate(Parse(Request(extra: "Content-Length: 0\r\n"))).Accepted);

    [Theory, MemberData(nameof(Rejected))]
    public void Each_broken_rule_is_refused_with_its_status(string request, int status, string? header)
    {
        var v = ServerHandshake.Validate(Parse(request));
        Assert.Equal(status, v.Status);
        Assert.Equal(header, v.HeaderName);
        if (status == 426 && header == "Sec-WebSocket-Version") Assert.Equal("13", v.HeaderValue);
    }

    public static TheoryData<string, HttpParseError> Malformed => new()
    {
        { "GET /chat HTTP/1.1\nHost: a\r\n\r\n", HttpParseError.BareLineFeed },
        { "GET /chat HTTP/1.1\r\nHost: a\n\r\n", HttpParseError.BareLineFeed },
        { "GET  /chat HTTP/1.1\r\n\r\n", HttpParseError.MalformedStartLine },
        { "GET /chat\r\n\r\n", HttpParseError.MalformedStartLine },
        { "GET /chat HTTP/2.0\r\n\r\n", HttpParseError.UnsupportedHttpVersion },
        { "GET /chat HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", HttpParseError.ObsoleteLineFolding },
        { "GET /chat HTTP/1.1\r\nHost : a\r\n\r\n", HttpParseError.MalformedHeaderLine },
        { "GET /chat HTTP/1.1\r\nNoColon\r\n\r\n", HttpParseError.MalformedHeaderLine },
        { "GET /chat HTTP/1.1\r\nBad(Name): a\r\n\r\n", HttpParseError.InvalidHeaderName },
        { "GET /chat HTTP/1.1\r\nX: a\u0001b\r\n\r\n", HttpParseError.InvalidHeaderValue },
    };

    [Theory, MemberData(nameof(Malformed))]
    public void Malformed_heads_are_invalid_not_exceptions(string text, HttpParseError expected)
    {
        var status = HttpHeadParser.ParseRequest(Encoding.Latin1.GetBytes(text), HttpParseLimits.Default, out _, out _, out var error);
        Assert.Equal(HttpParseStatus.Invalid, status);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Limits_on_request_line_header_count_and_header_bytes_are_enforced_before_the_head_ends()
    {
        var limits = new HttpParseLimits(MaxStartLineBytes: 64, MaxHeaderCount: 3, MaxHeaderBytes: 200);
        var longLine = Encoding.ASCII.GetBytes("GET /" + new string('a', 100)); // no CRLF yet
        Assert.Equal(HttpParseStatus.Invalid, HttpHeadParser.ParseRequest(longLine, limits, out _, out _, out var e1));
        Assert.Equal(HttpParseError.StartLineTooLong, e1);
        Assert.Equal(414, HttpParseErrors.Status(e1));

        var many = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n");
        Assert.Equal(HttpParseStatus.Invalid, HttpHeadParser.ParseRequest(many, limits, out _, out _, out var e2));
        Assert.Equal(HttpParseError.TooManyHeaders, e2);
        Assert.Equal(431, HttpParseErrors.Status(e2));

        var big = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nA: " + new string('x', 300)); // unfinished, already too big
        Assert.Equal(HttpParseStatus.Invalid, HttpHeadParser.ParseRequest(big, limits, out _, out _, out var e3));
        Assert.Equal(HttpParseError.HeaderSectionTooLarge, e3);

        var partial = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: a\r\n");
        Assert.Equal(HttpParseStatus.Incomplete, HttpHeadParser.ParseRequest(partial, limits, out _, out _, out _));
    }

    [Fact]
    public void The_parser_reports_how_many_bytes_the_head_used()
    {
        var bytes = Encoding.ASCII.GetBytes(Request() + "\x81\x00");
        Assert.Equal(HttpParseStatus.Complete, HttpHeadParser.ParseRequest(bytes, HttpParseLimits.Default, out _, out int consumed, out _));
        Assert.Equal(bytes.Length - 2, consumed);
    }

    [Theory]
    [InlineData(null, "server.example.com", true)]
    [InlineData("http://server.example.com", "server.example.com", true)]
    [InlineData("https://SERVER.example.com", "server.example.com", true)]
    [InlineData("http://server.example.com:8080", "server.example.com:8080", true)]
    [InlineData("http://evil.example", "server.example.com", false)]
    [InlineData("http://server.example.com:8080", "server.example.com", false)]
    [InlineData("null", "server.example.com", false)]
    public void The_default_origin_rule_accepts_only_a_missing_or_same_host_origin(string? origin, string host, bool ok)
    {
        var extra = origin is null ? "" : $"Origin: {origin}\r\n";
        Assert.Equal(ok, ServerHandshake.SameOrigin(Parse(Request(host: host, extra: extra))));
    }

    [Fact]
    public void The_server_picks_its_most_preferred_subprotocol_that_the_client_offered()
    {
        var r = Parse(Request(extra: "Sec-WebSocket-Protocol: chat.v1, chat.v2\r\nSec-WebSocket-Protocol: mqtt\r\n"));
        Assert.Equal("chat.v2", ServerHandshake.SelectSubprotocol(r, ["chat.v2", "chat.v1"]));
        Assert.Equal("mqtt", ServerHandshake.SelectSubprotocol(r, ["soap", "mqtt"]));
        Assert.Null(ServerHandshake.SelectSubprotocol(r, ["soap"]));
        Assert.Null(ServerHandshake.SelectSubprotocol(r, []));
    }

    [Fact]
    public void Response_header_values_cannot_split_the_response()
    {
        var bytes = ServerHandshake.BuildAccept(Key, null, null, [new("X-Evil", "a\r\nSet-Cookie: stolen=1")]);
        var text = Encoding.Latin1.GetString(bytes);
        Assert.DoesNotContain("\r\nSet-Cookie", text);
        Assert.Contains("X-Evil: a  Set-Cookie: stolen=1\r\n", text);
        Assert.Throws<ArgumentException>(() => ServerHandshake.BuildAccept(Key, null, null, [new("Bad\r\nName", "v")]));
    }

    [Fact]
    public void The_101_carries_accept_and_chosen_subprotocol_and_parses_back()
    {
        var bytes = ServerHandshake.BuildAccept(Key, "chat", null, [new("X-Served-By", "test")]);
        Assert.Equal(HttpParseStatus.Complete, HttpHeadParser.ParseResponse(bytes, HttpParseLimits.Default, out var head, out int consumed, out _));
        Assert.Equal(bytes.Length, consumed);
        Assert.Equal(101, head!.StatusCode);
        var v = ClientHandshake.ValidateResponse(head, Key, ["chat"]);
        Assert.True(v.Accepted, v.Error);
        Assert.Equal("chat", v.Subprotocol);
        Assert.Equal("test", head.Headers.Get("x-served-by"));
    }

    [Fact]
    public void The_client_refuses_a_wrong_accept_an_unoffered_subprotocol_or_unoffered_extensions()
    {
        var other = WebSocketKey.NewKey();
        Assert.True(WebSocketKey.IsValid(other));
        HttpResponseHead Head(byte[] b) { HttpHeadParser.ParseResponse(b, HttpParseLimits.Default, out var h, out _, out _); return h!; }
        Assert.False(ClientHandshake.ValidateResponse(Head(ServerHandshake.BuildAccept(Key, null, null)), other).Accepted);
        Assert.False(ClientHandshake.ValidateResponse(Head(ServerHandshake.BuildAccept(Key, "x", null)), Key, ["y"]).Accepted);
        Assert.False(ClientHandshake.ValidateResponse(Head(ServerHandshake.BuildAccept(Key, null, "permessage-deflate")), Key).Accepted);
        var refusal = ServerHandshake.BuildRefusal(new HandshakeVerdict(403, "origin not allowed"));
        var r = ClientHandshake.ValidateResponse(Head(refusal), Key);
        Assert.False(r.Accepted);
        Assert.Contains("403", r.Error);
    }
}
