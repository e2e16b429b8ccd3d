namespace WebSocketKit.Protocol.Handshake;

/// <summary>Outcome of parsing an HTTP message head.</summary>
public enum HttpParseStatus
{
    /// <summary>The head is not complete yet and no limit is crossed: read more and parse again.</summary>
    Incomplete,
    /// <summary>A whole head was parsed.</summary>
    Complete,
    /// <summary>The input is not a valid HTTP/1.1 head or crosses a limit; see the error.</summary>
    Invalid,
}

/// <summary>Why an HTTP message head was rejected.</summary>
public enum HttpParseError
{
    /// <summary>No error.</summary>
    None,
    /// <summary>The request or status line is longer than the limit (answered with 414 for requests).</summary>
    StartLineTooLong,
    /// <summary>The header section is larger than the limit (431).</summary>
    HeaderSectionTooLarge,
    /// <summary>More header fields than the limit (431).</summary>
    TooManyHeaders,
    /// <summary>The request or status line does not have the RFC 7230 section 3.1 shape.</summary>
    MalformedStartLine,
    /// <summary>A major version other than 1 (505).</summary>
    UnsupportedHttpVersion,
    /// <summary>A line ends in LF without CR; accepting it invites request smuggling.</summary>
    BareLineFeed,
    /// <summary>A header line starts with whitespace (obsolete line folding, RFC 7230 section 3.2.4).</summary>
    ObsoleteLineFolding,
    /// <summary>A header line without a colon, or with whitespace before the colon.</summary>
    MalformedHeaderLine,
    /// <summary>A field name that is empty or not a token.</summary>
    InvalidHeaderName,
    /// <summary>A field value holding a control character.</summary>
    InvalidHeaderValue,
}

/// <summary>Helpers over <see cref="HttpParseError"/>.</summary>
public static class HttpParseErrors
{
    /// <summary>The HTTP status a server answers a request head with this error.</summary>
    public static int Status(HttpParseError error) => error switch
    {
        HttpParseError.StartLineTooLong => 414,
        HttpParseError.HeaderSectionTooLarge or HttpParseError.TooManyHeaders => 431,
        HttpParseError.UnsupportedHttpVersion => 505,
        _ => 400,
    };

    /// <summary>A short plain-language reason.</summary>
    public static string Describe(HttpParseError error) => error switch
    {
        HttpParseError.None => "no error",
        HttpParseError.StartLineTooLong => "request line too long",
        HttpParseError.HeaderSectionTooLarge => "header section too large",
        HttpParseError.TooManyHeaders => "too many header fields",
        HttpParseError.MalformedStartLine => "malformed start line",
        HttpParseError.UnsupportedHttpVersion => "HTTP version not supported",
        HttpParseError.BareLineFeed => "line ends in LF without CR",
        HttpParseError.ObsoleteLineFolding => "obsolete line folding",
        HttpParseError.MalformedHeaderLine => "malformed header line",
        HttpParseError.InvalidHeaderName => "invalid header field name",
        HttpParseError.InvalidHeaderValue => "control character in a header field value",
        _ => error.ToString(),
    };
}
