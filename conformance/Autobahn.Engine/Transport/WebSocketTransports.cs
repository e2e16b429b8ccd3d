namespace Autobahn.Engine.Transport;

/// <summary>
/// How a WebSocket reaches its peer: over HTTP/1.1 (an upgraded TCP connection, RFC 6455), or over HTTP/2 (an
/// extended CONNECT stream, RFC 8441) in cleartext with prior knowledge (h2c) or over TLS with ALPN h2 (h2).
/// </summary>
public static class WebSocketTransports
{
    public const string Http11 = "http/1.1";
    public const string H2c = "h2c";
    public const string H2 = "h2";

    public static readonly string[] All = [Http11, H2c, H2];

    /// <summary>The transport named, accepting "h1" and "tcp" for HTTP/1.1; null (none given) is HTTP/1.1.</summary>
    /// <exception cref="InvalidDataException">An unknown name.</exception>
    public static string Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        null or "" or "h1" or "tcp" or "http/1.1" or "http1.1" => Http11,
        "h2c" => H2c,
        "h2" => H2,
        var other => throw new InvalidDataException($"unknown transport '{other}' (http/1.1, h2c or h2)"),
    };

    public static bool IsHttp2(string transport) => transport is H2c or H2;
}
