namespace WebSocketKit.Protocol.Compression;

/// <summary>Why a permessage-deflate offer was declined or a response refused.</summary>
public enum ExtensionNegotiationError
{
    /// <summary>No error.</summary>
    None,
    /// <summary>The element breaks the Sec-WebSocket-Extensions grammar.</summary>
    Malformed,
    /// <summary>A parameter permessage-deflate does not define.</summary>
    UnknownParameter,
    /// <summary>The same parameter twice in one element.</summary>
    DuplicateParameter,
    /// <summary>A value where none is allowed, none where one is required, or a window outside 8..15.</summary>
    InvalidParameterValue,
    /// <summary>The response holds an extension the client did not offer.</summary>
    UnexpectedExtension,
    /// <summary>The response accepts permessage-deflate more than once.</summary>
    DuplicateExtension,
    /// <summary>The response leaves out a parameter the offer required the server to accept (RFC 7692 section 7.1).</summary>
    RequiredParameterMissing,
    /// <summary>The response gives the server a larger window than the client asked for.</summary>
    WindowLargerThanOffered,
}

/// <summary>
/// permessage-deflate negotiation (RFC 7692 sections 5 and 7.1): the server picks the first offer it can
/// honour and answers only what it accepts; the client builds its offer and checks the answer fits it.
/// </summary>
public static class PerMessageDeflateNegotiation
{
    private const string ServerNoTakeover = "server_no_context_takeover", ClientNoTakeover = "client_no_context_takeover";
    private const string ServerBits = "server_max_window_bits", ClientBits = "client_max_window_bits";

    /// <summary>The four parameters as read from one element; window values null when absent or value-less.</summary>
    private readonly record struct Parsed(bool ServerNoTakeover, bool ClientNoTakeover, int? ServerBits, bool ClientBitsPresent, int? ClientBits);

    private static ExtensionNegotiationError Read(ExtensionElement element, bool response, out Parsed parsed)
    {
        parsed = default;
        if (element.Malformed) return ExtensionNegotiationError.Malformed;
        bool sNo = false, cNo = false, sBitsSeen = false, cBitsSeen = false;
        int? sBits = null, cBits = null;
        foreach (var (name, value) in element.Parameters)
        {
            switch (name.ToLowerInvariant())
            {
                case ServerNoTakeover:
                    if (sNo) return ExtensionNegotiationError.DuplicateParameter;
                    if (value is not null) return ExtensionNegotiationError.InvalidParameterValue;
                    sNo = true;
                    break;
                case ClientNoTakeover:
                    if (cNo) return ExtensionNegotiationError.DuplicateParameter;
                    if (value is not null) return ExtensionNegotiationError.InvalidParameterValue;
                    cNo = true;
                    break;
                case ServerBits:
                    if (sBitsSeen) return ExtensionNegotiationError.DuplicateParameter;
                    sBitsSeen = true;
                    if (!TryWindowBits(value, out int s)) return ExtensionNegotiationError.InvalidParameterValue;
                    sBits = s;
                    break;
                case ClientBits:
                    if (cBitsSeen) return ExtensionNegotiationError.DuplicateParameter;
                    cBitsSeen = true;
                    // An offer may carry it bare ("I can honour a limit"); a response must give the limit.
                    if (value is null && !response) break;
                    if (!TryWindowBits(value, out int c)) return ExtensionNegotiationError.InvalidParameterValue;
                    cBits = c;
                    break;
                default:
                    return ExtensionNegotiationError.UnknownParameter;
            }
        }
        parsed = new Parsed(sNo, cNo, sBits, cBitsSeen, cBits);
        return ExtensionNegotiationError.None;
    }

    /// <summary>A decimal 8..15 without leading zeros (RFC 7692 section 7.1.2).</summary>
    private static bool TryWindowBits(string? value, out int bits)
    {
        bits = 0;
        if (value is null || value.Length is < 1 or > 2 || value[0] == '0' || !value.All(char.IsAsciiDigit)) return false;
        bits = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        return bits is >= 8 and <= 15;
    }

    private static bool IsDeflate(ExtensionElement e) => string.Equals(e.Name, PerMessageDeflate.ExtensionName, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Server side: reads the client's Sec-WebSocket-Extensions values and accepts the first permessage-deflate
    /// offer it can honour. Returns false (compression off) when there is none; otherwise the agreed
    /// parameters and the value for the response's Sec-WebSocket-Extensions header.
    /// </summary>
    public static bool TryAcceptOffer(IEnumerable<string> offerHeaderValues, PerMessageDeflateOptions options,
        out PerMessageDeflateParameters? parameters, out string? responseHeaderValue)
    {
        options.Validate();
        foreach (var element in ExtensionHeader.Parse(offerHeaderValues))
        {
            if (!IsDeflate(element) || Read(element, response: false, out var offer) != ExtensionNegotiationError.None) continue;
            // We limit the client's window only if the client said it can be limited.
            if (options.ClientMaxWindowBits < 15 && !offer.ClientBitsPresent) continue;
            bool serverNo = offer.ServerNoTakeover || !options.AllowServerContextTakeover;
            bool clientNo = offer.ClientNoTakeover || !options.AllowClientContextTakeover;
            int serverBits = Math.Min(offer.ServerBits ?? 15, options.ServerMaxWindowBits);
            int clientBits = Math.Min(offer.ClientBits ?? 15, options.ClientMaxWindowBits);
            var response = new System.Text.StringBuilder(PerMessageDeflate.ExtensionName);
            if (serverNo) response.Append("; ").Append(ServerNoTakeover);
            if (clientNo) response.Append("; ").Append(ClientNoTakeover);
            if (offer.ServerBits is not null || serverBits < 15) response.Append("; ").Append(ServerBits).Append('=').Append(serverBits);
            if (offer.ClientBitsPresent && (offer.ClientBits is not null || clientBits < 15)) response.Append("; ").Append(ClientBits).Append('=').Append(clientBits);
            parameters = new PerMessageDeflateParameters(serverNo, clientNo, serverBits, clientBits) { Level = options.Level, MemoryLevel = options.MemoryLevel, Threshold = options.Threshold };
            responseHeaderValue = response.ToString();
            return true;
        }
        parameters = null;
        responseHeaderValue = null;
        return false;
    }

    /// <summary>Client side: the Sec-WebSocket-Extensions value offering permessage-deflate with these options.</summary>
    public static string CreateOffer(PerMessageDeflateOptions options)
    {
        options.Validate();
        var offer = new System.Text.StringBuilder(PerMessageDeflate.ExtensionName);
        if (!options.AllowServerContextTakeover) offer.Append("; ").Append(ServerNoTakeover);
        if (!options.AllowClientContextTakeover) offer.Append("; ").Append(ClientNoTakeover);
        if (options.ServerMaxWindowBits < 15) offer.Append("; ").Append(ServerBits).Append('=').Append(options.ServerMaxWindowBits);
        offer.Append("; ").Append(ClientBits);
        if (options.ClientMaxWindowBits < 15) offer.Append('=').Append(options.ClientMaxWindowBits);
        return offer.ToString();
    }

    /// <summary>
    /// Client side: checks the server's Sec-WebSocket-Extensions values against the offer made from
    /// <paramref name="offered"/>. None with null parameters: the server did not enable compression.
    /// Any other error fails the handshake.
    /// </summary>
    public static ExtensionNegotiationError TryAcceptResponse(IEnumerable<string> responseHeaderValues, PerMessageDeflateOptions offered,
        out PerMessageDeflateParameters? parameters)
    {
        offered.Validate();
        parameters = null;
        Parsed? accepted = null;
        foreach (var element in ExtensionHeader.Parse(responseHeaderValues))
        {
            if (!IsDeflate(element)) return element.Malformed ? ExtensionNegotiationError.Malformed : ExtensionNegotiationError.UnexpectedExtension;
            if (accepted is not null) return ExtensionNegotiationError.DuplicateExtension;
            var error = Read(element, response: true, out var r);
            if (error != ExtensionNegotiationError.None) return error;
            accepted = r;
        }
        if (accepted is not { } a) return ExtensionNegotiationError.None;
        if (!offered.AllowServerContextTakeover && !a.ServerNoTakeover) return ExtensionNegotiationError.RequiredParameterMissing;
        if (offered.ServerMaxWindowBits < 15)
        {
            if (a.ServerBits is null) return ExtensionNegotiationError.RequiredParameterMissing;
            if (a.ServerBits > offered.ServerMaxWindowBits) return ExtensionNegotiationError.WindowLargerThanOffered;
        }
        parameters = new PerMessageDeflateParameters(
            a.ServerNoTakeover,
            a.ClientNoTakeover || !offered.AllowClientContextTakeover,
            a.ServerBits ?? 15,
            Math.Min(a.ClientBits ?? 15, offered.ClientMaxWindowBits))
        { Level = offered.Level, MemoryLevel = offered.MemoryLevel, Threshold = offered.Threshold };
        return ExtensionNegotiationError.None;
    }
}
