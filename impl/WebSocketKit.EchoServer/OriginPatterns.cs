using System.Globalization;
using WebSocketKit.Protocol.Handshake;

namespace WebSocketKit.EchoServer;

/// <summary>
/// The origins a browser page may connect from besides the server's own (<c>--allow-origin</c>), as an
/// <see cref="Upgrader.CheckOrigin"/>: a request passes when it is same-origin
/// (<see cref="ServerHandshake.SameOrigin"/>, the default kept) or its one Origin field matches a pattern.
/// <para>
/// A pattern is <c>any</c> (every request, whatever its Origin), or <c>[scheme://]host[:port]</c>:
/// the scheme, when given, must equal the origin's (<c>https://example.com</c> does not match
/// <c>http://example.com</c>); the host is a name or an address, compared without case, or
/// <c>*.name</c> for any subdomain of name (not name itself), or <c>*</c> for any host; the port is a
/// number, or <c>*</c> for any, and when left out the origin must use its scheme's default port
/// (<c>https://example.com</c> does not match <c>https://example.com:8443</c>). No path, query or user.
/// </para>
/// </summary>
public sealed class OriginPatterns
{
    private readonly List<Pattern> _patterns = [];

    /// <summary>Whether <c>any</c> was given: every origin (and none) is accepted.</summary>
    public bool AcceptsAny { get; private set; }

    /// <summary>How many patterns were added.</summary>
    public int Count => _patterns.Count + (AcceptsAny ? 1 : 0);

    /// <summary>Adds one pattern; a malformed one throws <see cref="ArgumentException"/> saying what is wrong.</summary>
    public void Add(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var text = pattern.Trim();
        if (string.Equals(text, "any", StringComparison.OrdinalIgnoreCase))
        {
            AcceptsAny = true;
            return;
        }
        _patterns.Add(Parse(text, pattern));
    }

    /// <summary>The origin check for <see cref="Upgrader.CheckOrigin"/>.</summary>
    public bool Check(HttpRequestHead request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (AcceptsAny || ServerHandshake.SameOrigin(request)) return true;
        var headers = request.Headers;
        return headers.CountOf("Origin") == 1 && Matches(headers.Get("Origin"));
    }

    /// <summary>Whether an Origin field's value matches one of the patterns (<c>any</c> matches everything).</summary>
    public bool Matches(string? origin)
    {
        if (AcceptsAny) return true;
        if (origin is null || !Uri.TryCreate(origin.Trim(), UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host)) return false;
        // An origin is scheme://host[:port] and nothing else.
        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0) return false;
        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.IdnHost;
        return _patterns.Exists(p => p.Matches(uri.Scheme, host, uri.Port, uri.IsDefaultPort));
    }

    private static Pattern Parse(string text, string given)
    {
        ArgumentException Bad(string why) => new($"--allow-origin '{given}': {why}; a pattern is any, or [scheme://]host[:port] with host a name, *.name or *, and port a number or *");
        if (text.Length == 0) throw Bad("empty");
        string? scheme = null;
        var rest = text;
        var separator = text.IndexOf("://", StringComparison.Ordinal);
        if (separator >= 0)
        {
            scheme = text[..separator].ToLowerInvariant();
            if (scheme.Length == 0 || !char.IsAsciiLetter(scheme[0]) || !scheme.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
                throw Bad($"'{text[..separator]}' is not a scheme");
            rest = text[(separator + 3)..];
        }
        if (rest.IndexOfAny(['/', '?', '#', '@']) is var at and >= 0) throw Bad($"an origin has no path, query or user ('{rest[at]}')");

        string host;
        string? port = null;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']');
            if (close < 0) throw Bad("an IPv6 address needs its closing ]");
            host = rest[1..close];
            var after = rest[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':') throw Bad($"unexpected '{after}' after the address");
                port = after[1..];
            }
            if (!System.Net.IPAddress.TryParse(host, out _)) throw Bad($"'{host}' is not an IPv6 address");
        }
        else
        {
            var colon = rest.LastIndexOf(':');
            host = colon < 0 ? rest : rest[..colon];
            if (colon >= 0) port = rest[(colon + 1)..];
            if (host.Length == 0) throw Bad("no host");
            var name = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host == "*" ? "x" : host;
            if (name.Length == 0 || name.Contains('*')) throw Bad($"'{host}': a wildcard may only be the whole host (*) or its first label (*.example.com)");
            if (name.Split('.').Any(label => label.Length == 0 || !label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
                throw Bad($"'{host}' is not a host name or address");
        }

        int? number = null;
        var anyPort = false;
        if (port is not null)
        {
            if (port == "*") anyPort = true;
            else if (int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 65535) number = n;
            else throw Bad($"'{port}' is not a port (1-65535 or *)");
        }
        return new Pattern(scheme, host.ToLowerInvariant(), number, anyPort);
    }

    private sealed record Pattern(string? Scheme, string Host, int? Port, bool AnyPort)
    {
        public bool Matches(string scheme, string host, int port, bool defaultPort)
        {
            if (Scheme is not null && !string.Equals(Scheme, scheme, StringComparison.OrdinalIgnoreCase)) return false;
            if (!AnyPort && (Port is { } n ? n != port : !defaultPort)) return false;
            if (Host == "*") return true;
            if (Host.StartsWith("*.", StringComparison.Ordinal))
                return host.Length > Host.Length - 1 && host.EndsWith(Host[1..], StringComparison.OrdinalIgnoreCase);
            return string.Equals(Host, host, StringComparison.OrdinalIgnoreCase);
        }
    }
}
