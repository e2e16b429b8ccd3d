namespace WebSocketKit.Protocol.Handshake;

/// <summary>A parsed HTTP/1.x request head: request line and header fields.</summary>
/// <param name="Method">The method token, case-sensitive (RFC 7231 section 4.1).</param>
/// <param name="Target">The request target as sent, e.g. <c>/chat?room=1</c>.</param>
/// <param name="VersionMinor">The minor version: 1 for HTTP/1.1 (the major version is always 1).</param>
/// <param name="Headers">The header fields in wire order.</param>
public sealed record HttpRequestHead(string Method, string Target, int VersionMinor, HttpHeaderList Headers);

/// <summary>A parsed HTTP/1.x response head: status line and header fields.</summary>
/// <param name="VersionMinor">The minor version: 1 for HTTP/1.1.</param>
/// <param name="StatusCode">The three-digit status code.</param>
/// <param name="ReasonPhrase">The reason phrase, possibly empty.</param>
/// <param name="Headers">The header fields in wire order.</param>
public sealed record HttpResponseHead(int VersionMinor, int StatusCode, string ReasonPhrase, HttpHeaderList Headers);
