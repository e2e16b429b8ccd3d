using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;
using Xunit;

namespace WebSocketKit.Compression.Tests;

/// <summary>Sec-WebSocket-Extensions grammar and permessage-deflate negotiation (RFC 7692 sections 5 and 7.1).</summary>
public class NegotiationTests
{
    private static readonly PerMessageDeflateOptions Defaults = new();

    private static (PerMessageDeflateParameters? p, string? response) Server(PerMessageDeflateOptions options, params string[] headers)
    {
        bool ok = PerMessageDeflateNegotiation.TryAcceptOffer(headers, options, out var p, out var response);
        Assert.Equal(ok, p is not null);
        return (p, response);
    }

    [Fact]
    public void The_grammar_reads_several_offers_per_header_and_several_headers_with_spaces_and_quoted_values()
    {
        var elements = ExtensionHeader.Parse(["permessage-deflate ;client_max_window_bits ; server_max_window_bits=\"10\", , x-foo",
            "\tpermessage-deflate;  server_no_context_takeover"]);
        Assert.Equal(3, elements.Count);
        Assert.Equal([new("client_max_window_bits", null), new("server_max_window_bits", "10")], elements[0].Parameters);
        Assert.Equal("x-foo", elements[1].Name);
        Assert.Equal([new("server_no_context_takeover", null)], elements[2].Parameters);
        Assert.All(elements, e => Assert.False(e.Malformed));
    }

    [Theory]
    [InlineData("permessage-deflate; server_max_window_bits=\"1 0\"")] // unescaped quoted value is not a token
    [InlineData("permessage-deflate; server_max_window_bits=\"10")]   // unterminated quote
    [InlineData("permessage-deflate; =10")]
    [InlineData("permessage-deflate; server_max_window_bits=")]
    [InlineData("permessage-deflate server_no_context_takeover")]
    [InlineData("permessage-deflate;")]
    public void Broken_elements_are_marked_malformed(string header)
    {
        var elements = ExtensionHeader.Parse(header);
        Assert.True(elements[0].Malformed);
    }

    [Fact]
    public void A_malformed_element_does_not_swallow_the_next_one_even_with_commas_in_quotes()
    {
        var elements = ExtensionHeader.Parse("permessage-deflate; a=\"x,y\" z, permessage-deflate");
        Assert.Equal(2, elements.Count);
        Assert.True(elements[0].Malformed);
        Assert.False(elements[1].Malformed);
    }

    [Fact]
    public void A_plain_offer_is_accepted_with_a_plain_response()
    {
        var (p, response) = Server(Defaults, "permessage-deflate");
        Assert.Equal("permessage-deflate", response);
        Assert.Equal(new PerMessageDeflateParameters(false, false, 15, 15), p);
    }

    [Fact]
    public void The_typical_browser_offer_is_accepted_without_answering_client_max_window_bits()
    {
        var (p, response) = Server(Defaults, "permessage-deflate; client_max_window_bits");
        Assert.Equal("permessage-deflate", response);
        Assert.Equal(15, p!.ClientMaxWindowBits);
    }

    [Theory]
    [InlineData("permessage-deflate; foo", "unknown parameter")]
    [InlineData("permessage-deflate; server_no_context_takeover; server_no_context_takeover", "duplicate")]
    [InlineData("permessage-deflate; client_max_window_bits=10; client_max_window_bits", "duplicate")]
    [InlineData("permessage-deflate; server_max_window_bits", "server_max_window_bits needs a value")]
    [InlineData("permessage-deflate; server_max_window_bits=7", "below 8")]
    [InlineData("permessage-deflate; server_max_window_bits=16", "above 15")]
    [InlineData("permessage-deflate; server_max_window_bits=010", "leading zero")]
    [InlineData("permessage-deflate; client_max_window_bits=abc", "not a number")]
    [InlineData("permessage-deflate; server_no_context_takeover=1", "no value allowed")]
    [InlineData("permessage-deflate; server_max_window_bits=\"1 0\"", "malformed")]
    [InlineData("x-webkit-deflate-frame", "another extension")]
    public void Offers_the_server_cannot_honour_are_declined(string header, string why)
    {
        var (p, response) = Server(Defaults, header);
        Assert.True(p is null && response is null, why);
    }

    [Fact]
    public void The_server_picks_the_first_offer_it_can_honour()
    {
        var (p, response) = Server(Defaults, "permessage-deflate; bogus=1, permessage-deflate; server_max_window_bits=10", "permessage-deflate");
        Assert.Equal("permessage-deflate; server_max_window_bits=10", response);
        Assert.Equal(10, p!.ServerMaxWindowBits);
    }

    [Fact]
    public void A_quoted_window_value_is_read_like_a_token()
    {
        var (p, _) = Server(Defaults, "permessage-deflate; server_max_window_bits=\"9\"");
        Assert.Equal(9, p!.ServerMaxWindowBits);
    }

    [Fact]
    public void Every_parameter_the_client_sends_is_answered_within_the_servers_limits()
    {
        var options = new PerMessageDeflateOptions { ServerMaxWindowBits = 12 };
        var (p, response) = Server(options, "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=14; client_max_window_bits=9");
        Assert.Equal("permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12; client_max_window_bits=9", response);
        Assert.Equal(new PerMessageDeflateParameters(true, true, 12, 9), p);
        Assert.False(p!.WriteContextTakeover(Role.Server));
        Assert.Equal(12, p.WriteWindowBits(Role.Server));
        Assert.Equal(9, p.ReadWindowBits(Role.Server));
        Assert.Equal(12, p.ReadWindowBits(Role.Client));
    }

    [Fact]
    public void A_server_that_limits_the_client_window_needs_an_offer_that_allows_it()
    {
        var options = new PerMessageDeflateOptions { ClientMaxWindowBits = 10, AllowServerContextTakeover = false, AllowClientContextTakeover = false };
        Assert.Null(Server(options, "permessage-deflate").p);
        var (p, response) = Server(options, "permessage-deflate, permessage-deflate; client_max_window_bits");
        Assert.Equal("permessage-deflate; server_no_context_takeover; client_no_context_takeover; client_max_window_bits=10", response);
        Assert.Equal(new PerMessageDeflateParameters(true, true, 15, 10), p);
    }

    [Fact]
    public void The_client_offer_says_what_its_options_require()
    {
        Assert.Equal("permessage-deflate; client_max_window_bits", PerMessageDeflateNegotiation.CreateOffer(Defaults));
        var strict = new PerMessageDeflateOptions { AllowServerContextTakeover = false, AllowClientContextTakeover = false, ServerMaxWindowBits = 9, ClientMaxWindowBits = 8 };
        Assert.Equal("permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=8",
            PerMessageDeflateNegotiation.CreateOffer(strict));
    }

    [Theory]
    [InlineData(true, true, 15, 15)]
    [InlineData(false, true, 9, 15)]
    [InlineData(true, false, 15, 8)]
    [InlineData(false, false, 8, 12)]
    public void Our_client_and_server_agree_on_the_same_parameters(bool serverTakeover, bool clientTakeover, int serverBits, int clientBits)
    {
        var client = new PerMessageDeflateOptions { AllowServerContextTakeover = serverTakeover, AllowClientContextTakeover = clientTakeover, ServerMaxWindowBits = serverBits, ClientMaxWindowBits = clientBits };
        var (serverSide, response) = Server(Defaults, PerMessageDeflateNegotiation.CreateOffer(client));
        Assert.Equal(ExtensionNegotiationError.None, PerMessageDeflateNegotiation.TryAcceptResponse([response!], client, out var clientSide));
        Assert.Equal(serverSide, clientSide);
        Assert.Equal(serverBits, clientSide!.ServerMaxWindowBits);
        Assert.Equal(clientBits, clientSide.ClientMaxWindowBits);
        Assert.Equal(serverTakeover, clientSide.ReadContextTakeover(Role.Client));
    }

    [Fact]
    public void No_extension_in_the_response_means_compression_is_off()
    {
        Assert.Equal(ExtensionNegotiationError.None, PerMessageDeflateNegotiation.TryAcceptResponse([], Defaults, out var p));
        Assert.Null(p);
    }

    [Theory]
    [InlineData("permessage-deflate; foo", ExtensionNegotiationError.UnknownParameter)]
    [InlineData("permessage-deflate; server_no_context_takeover; server_no_context_takeover", ExtensionNegotiationError.DuplicateParameter)]
    [InlineData("permessage-deflate; client_max_window_bits", ExtensionNegotiationError.InvalidParameterValue)]
    [InlineData("permessage-deflate; server_max_window_bits=16", ExtensionNegotiationError.InvalidParameterValue)]
    [InlineData("permessage-deflate, permessage-deflate", ExtensionNegotiationError.DuplicateExtension)]
    [InlineData("x-other", ExtensionNegotiationError.UnexpectedExtension)]
    [InlineData("permessage-deflate; server_max_window_bits=\"1", ExtensionNegotiationError.Malformed)]
    public void A_response_that_breaks_the_rules_fails_the_handshake(string header, ExtensionNegotiationError expected)
    {
        Assert.Equal(expected, PerMessageDeflateNegotiation.TryAcceptResponse([header], Defaults, out var p));
        Assert.Null(p);
    }

    [Fact]
    public void A_response_must_accept_what_the_offer_required_of_the_server()
    {
        var offered = new PerMessageDeflateOptions { AllowServerContextTakeover = false, ServerMaxWindowBits = 10 };
        Assert.Equal(ExtensionNegotiationError.RequiredParameterMissing,
            PerMessageDeflateNegotiation.TryAcceptResponse(["permessage-deflate; server_max_window_bits=10"], offered, out _));
        Assert.Equal(ExtensionNegotiationError.RequiredParameterMissing,
            PerMessageDeflateNegotiation.TryAcceptResponse(["permessage-deflate; server_no_context_takeover"], offered, out _));
        Assert.Equal(ExtensionNegotiationError.WindowLargerThanOffered,
            PerMessageDeflateNegotiation.TryAcceptResponse(["permessage-deflate; server_no_context_takeover; server_max_window_bits=11"], offered, out _));
        Assert.Equal(ExtensionNegotiationError.None,
            PerMessageDeflateNegotiation.TryAcceptResponse(["permessage-deflate; server_no_context_takeover; server_max_window_bits=9"], offered, out var p));
        Assert.Equal(9, p!.ServerMaxWindowBits);
    }

    [Fact]
    public void A_server_may_limit_its_own_window_unasked_and_the_client_reads_with_that_window()
    {
        Assert.Equal(ExtensionNegotiationError.None,
            PerMessageDeflateNegotiation.TryAcceptResponse(["permessage-deflate; server_max_window_bits=8; client_no_context_takeover"], Defaults, out var p));
        Assert.Equal(new PerMessageDeflateParameters(false, true, 8, 15), p);
        using var deflater = p!.CreateDeflater(Role.Server);
        var inflater = p.CreateInflater(Role.Client);
        Assert.Equal(8, inflater.WindowBits);
        Assert.Equal(8, deflater.WindowBits);
        using var clientDeflater = p.CreateDeflater(Role.Client);
        Assert.False(clientDeflater.ContextTakeover);
    }
}
