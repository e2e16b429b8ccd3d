using System.Net;
using System.Net.Sockets;

namespace WebSocketKit.Protocol.Handshake;

/// <summary>
/// The syntax of a Host field value (RFC 9110 section 7.2): an authority without user info,
/// <c>host [ ":" port ]</c> (RFC 3986 section 3.2.2), where host is an IP-literal in brackets
/// (IPv6 or IPvFuture), or a reg-name (which covers IPv4): unreserved characters, percent-encoded
/// octets and sub-delims. Spaces, a second colon, '@', '/' and the like are not an authority.
/// </summary>
public static class HostAuthority
{
    /// <summary>True when <paramref name="value"/> is a non-empty <c>host [ ":" port ]</c>.</summary>
    public static bool IsValid(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty) return false;
        ReadOnlySpan<char> rest;
        if (value[0] == '[')
        {
            int close = value.IndexOf(']');
            if (close < 0 || !IsIpLiteral(value[1..close])) return false;
            rest = value[(close + 1)..];
        }
        else
        {
            int colon = value.IndexOf(':');
            var host = colon < 0 ? value : value[..colon];
            if (!IsRegName(host)) return false;
            rest = colon < 0 ? default : value[colon..];
        }
        // port = *DIGIT, after a colon; an empty port is allowed by the grammar.
        if (rest.IsEmpty) return true;
        return rest[0] == ':' && !rest[1..].ContainsAnyExceptInRange('0', '9');
    }

    // reg-name = *( unreserved / pct-encoded / sub-delims ), here with at least one character.
    private static bool IsRegName(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty) return false;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '%')
            {
                if (i + 2 >= s.Length || !char.IsAsciiHexDigit(s[i + 1]) || !char.IsAsciiHexDigit(s[i + 2])) return false;
                i += 2;
            }
            else if (!IsUnreserved(c) && !IsSubDelim(c)) return false;
        }
        return true;
    }

    // IP-literal = "[" ( IPv6address / IPvFuture ) "]"; IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
    private static bool IsIpLiteral(ReadOnlySpan<char> s)
    {
        if (s.Length > 0 && (s[0] is 'v' or 'V'))
        {
            int dot = s.IndexOf('.');
            if (dot < 2 || dot == s.Length - 1) return false;
            if (s[1..dot].ContainsAnyExcept("0123456789abcdefABCDEF")) return false;
            foreach (char c in s[(dot + 1)..])
                if (!IsUnreserved(c) && !IsSubDelim(c) && c != ':') return false;
            return true;
        }
        // A zone identifier ("%25eth0", RFC 6874) is not part of a Host; IPAddress would take it.
        return !s.Contains('%') && IPAddress.TryParse(s, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';

    private static bool IsSubDelim(char c) => c is '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '=';
}
