using System.Text;
using WebSocketKit.Protocol.Handshake;

namespace WebSocketKit;

/// <summary>
/// Opens a tunnel through an HTTP proxy with CONNECT (RFC 7231 section 4.3.6). Credentials in
/// the proxy URI's user-info go out as Basic Proxy-Authorization, as gorilla does.
/// </summary>
internal static class HttpConnectProxy
{
    /// <summary>The CONNECT request for <paramref name="authority"/> (host:port).</summary>
    public static byte[] BuildRequest(string authority, Uri proxy)
    {
        var w = HttpHeadWriter.Request("CONNECT", authority).Header("Host", authority);
        if (BasicCredentials(proxy) is { } credentials) w.Header("Proxy-Authorization", credentials);
        return w.ToBytes();
    }

    /// <summary>"Basic ..." for the user-info of <paramref name="uri"/>, or null when it has none.</summary>
    public static string? BasicCredentials(Uri uri)
    {
        if (string.IsNullOrEmpty(uri.UserInfo)) return null;
        // UserInfo keeps the URI's percent-encoding; the credentials themselves are decoded.
        int colon = uri.UserInfo.IndexOf(':');
        string user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
        string password = colon < 0 ? "" : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        return "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));
    }

    /// <summary>
    /// Asks the proxy on <paramref name="stream"/> for a tunnel to <paramref name="authority"/> and
    /// waits for its 2xx; a refusal throws <see cref="BadHandshakeException"/> with FromProxy set.
    /// </summary>
    public static async ValueTask ConnectAsync(Stream stream, Uri proxy, string authority, HttpParseLimits limits, CancellationToken token)
    {
        await stream.WriteAsync(BuildRequest(authority, proxy), token).ConfigureAwait(false);
        await stream.FlushAsync(token).ConfigureAwait(false);
        using var reader = new HttpHeadReader(limits);
        var head = await reader.ReadHeadAsync(stream, fromProxy: true, token).ConfigureAwait(false);
        if (head.StatusCode is < 200 or > 299)
        {
            var body = await reader.ReadBodyAsync(stream, head, Dialer.MaxRefusalBodyBytes, token).ConfigureAwait(false);
            throw new BadHandshakeException(head.StatusCode, $"the proxy refused CONNECT {authority}: {head.StatusCode} {head.ReasonPhrase}",
                head, body, fromProxy: true);
        }
        // The target has not been spoken to yet, so nothing may follow the proxy's answer.
        if (!reader.After.IsEmpty)
            throw new BadHandshakeException(head.StatusCode, "the proxy sent bytes after its CONNECT answer", head, fromProxy: true);
    }
}
