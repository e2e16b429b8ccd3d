using System.Text;

namespace WebSocketKit.Protocol.Handshake;

/// <summary>
/// A strict, bounded parser for HTTP/1.1 message heads (RFC 7230 sections 3.1 and 3.2), enough for
/// the WebSocket opening handshake. It takes the bytes received so far and answers Incomplete,
/// Complete (with how many bytes the head used; what follows belongs to the WebSocket stream) or
/// Invalid with a reason. It never throws for bad input. Strictness is deliberate: lines must end
/// in CRLF, obsolete folding and whitespace before the colon are refused, because lenient parsers
/// that disagree with a proxy in front of them are how request smuggling happens.
/// </summary>
public static class HttpHeadParser
{
    /// <summary>Parses a request head from the start of <paramref name="input"/>.</summary>
    public static HttpParseStatus ParseRequest(ReadOnlySpan<byte> input, HttpParseLimits limits,
        out HttpRequestHead? request, out int consumed, out HttpParseError error)
    {
        request = null;
        var status = SplitStartLine(input, limits, out var line, out int afterLine, out error);
        if (status != HttpParseStatus.Complete) { consumed = 0; return status; }
        // request-line = method SP request-target SP HTTP-version
        int sp1 = line.IndexOf((byte)' ');
        int sp2 = sp1 < 0 ? -1 : line[(sp1 + 1)..].IndexOf((byte)' ');
        if (sp1 <= 0 || sp2 <= 0) return Fail(HttpParseError.MalformedStartLine, out consumed, out error);
        var method = line[..sp1];
        var target = line.Slice(sp1 + 1, sp2);
        var version = line[(sp1 + 1 + sp2 + 1)..];
        if (!IsToken(method) || !IsVisible(target)) return Fail(HttpParseError.MalformedStartLine, out consumed, out error);
        var versionError = ParseVersion(version, out int minor);
        if (versionError != HttpParseError.None) return Fail(versionError, out consumed, out error);
        status = ParseFields(input, afterLine, limits, out var headers, out consumed, out error);
        if (status == HttpParseStatus.Complete)
            request = new HttpRequestHead(Encoding.ASCII.GetString(method), Encoding.ASCII.GetString(target), minor, headers!);
        return status;
    }

    /// <summary>Parses a response head from the start of <paramref name="input"/>.</summary>
    public static HttpParseStatus ParseResponse(ReadOnlySpan<byte> input, HttpParseLimits limits,
        out HttpResponseHead? response, out int consumed, out HttpParseError error)
    {
        response = null;
        var status = SplitStartLine(input, limits, out var line, out int afterLine, out error);
        if (status != HttpParseStatus.Complete) { consumed = 0; return status; }
        // status-line = HTTP-version SP status-code SP reason-phrase (a missing reason is tolerated)
        int sp = line.IndexOf((byte)' ');
        if (sp <= 0) return Fail(HttpParseError.MalformedStartLine, out consumed, out error);
        var versionError = ParseVersion(line[..sp], out int minor);
        if (versionError != HttpParseError.None) return Fail(versionError, out consumed, out error);
        var rest = line[(sp + 1)..];
        if (rest.Length < 3 || !IsDigit(rest[0]) || !IsDigit(rest[1]) || !IsDigit(rest[2]) || (rest.Length > 3 && rest[3] != (byte)' '))
            return Fail(HttpParseError.MalformedStartLine, out consumed, out error);
        int code = (rest[0] - '0') * 100 + (rest[1] - '0') * 10 + (rest[2] - '0');
        var reason = rest.Length > 4 ? rest[4..] : default;
        foreach (byte b in reason)
            if (IsControl(b)) return Fail(HttpParseError.MalformedStartLine, out consumed, out error);
        status = ParseFields(input, afterLine, limits, out var headers, out consumed, out error);
        if (status == HttpParseStatus.Complete)
            response = new HttpResponseHead(minor, code, Encoding.Latin1.GetString(reason), headers!);
        return status;
    }

    private static HttpParseStatus SplitStartLine(ReadOnlySpan<byte> input, HttpParseLimits limits,
        out ReadOnlySpan<byte> line, out int afterLine, out HttpParseError error)
    {
        line = default;
        afterLine = 0;
        error = HttpParseError.None;
        int window = Math.Min(input.Length, limits.MaxStartLineBytes + 2);
        int lf = input[..window].IndexOf((byte)'\n');
        if (lf < 0)
        {
            if (input.Length >= limits.MaxStartLineBytes + 2) return Invalid(HttpParseError.StartLineTooLong, out error);
            return HttpParseStatus.Incomplete;
        }
        if (lf == 0 || input[lf - 1] != (byte)'\r') return Invalid(HttpParseError.BareLineFeed, out error);
        if (lf - 1 > limits.MaxStartLineBytes) return Invalid(HttpParseError.StartLineTooLong, out error);
        line = input[..(lf - 1)];
        afterLine = lf + 1;
        return HttpParseStatus.Complete;
    }

    private static HttpParseStatus ParseFields(ReadOnlySpan<byte> input, int start, HttpParseLimits limits,
        out HttpHeaderList? headers, out int consumed, out HttpParseError error)
    {
        headers = null;
        consumed = 0;
        var list = new HttpHeaderList();
        int pos = start;
        while (true)
        {
            int limitEnd = start + limits.MaxHeaderBytes;
            int window = Math.Min(input.Length, limitEnd);
            int lf = pos >= window ? -1 : input[pos..window].IndexOf((byte)'\n');
            if (lf < 0)
            {
                if (input.Length >= limitEnd) return Fail(HttpParseError.HeaderSectionTooLarge, out consumed, out error);
                error = HttpParseError.None;
                return HttpParseStatus.Incomplete;
            }
            lf += pos;
            if (lf == pos || input[lf - 1] != (byte)'\r') return Fail(HttpParseError.BareLineFeed, out consumed, out error);
            var line = input[pos..(lf - 1)];
            pos = lf + 1;
            if (line.IsEmpty)
            {
                headers = list;
                consumed = pos;
                error = HttpParseError.None;
                return HttpParseStatus.Complete;
            }
            if (line[0] is (byte)' ' or (byte)'\t') return Fail(HttpParseError.ObsoleteLineFolding, out consumed, out error);
            int colon = line.IndexOf((byte)':');
            if (colon < 0) return Fail(HttpParseError.MalformedHeaderLine, out consumed, out error);
            var name = line[..colon];
            if (name.IsEmpty || !IsToken(name))
            {
                // "Name :" is called out by RFC 7230 section 3.2.4 as a smuggling vector.
                var e = name.Length > 0 && name[^1] is (byte)' ' or (byte)'\t' ? HttpParseError.MalformedHeaderLine : HttpParseError.InvalidHeaderName;
                return Fail(e, out consumed, out error);
            }
            var value = line[(colon + 1)..].Trim(" \t"u8);
            foreach (byte b in value)
                if (IsControl(b) && b != (byte)'\t') return Fail(HttpParseError.InvalidHeaderValue, out consumed, out error);
            if (list.Count == limits.MaxHeaderCount) return Fail(HttpParseError.TooManyHeaders, out consumed, out error);
            list.Add(Encoding.ASCII.GetString(name), Encoding.Latin1.GetString(value));
        }
    }

    // HTTP-version = "HTTP" "/" DIGIT "." DIGIT
    private static HttpParseError ParseVersion(ReadOnlySpan<byte> v, out int minor)
    {
        minor = 0;
        if (v.Length != 8 || !v.StartsWith("HTTP/"u8) || !IsDigit(v[5]) || v[6] != (byte)'.' || !IsDigit(v[7]))
            return HttpParseError.MalformedStartLine;
        if (v[5] != (byte)'1') return HttpParseError.UnsupportedHttpVersion;
        minor = v[7] - '0';
        return HttpParseError.None;
    }

    private static HttpParseStatus Fail(HttpParseError e, out int consumed, out HttpParseError error)
    {
        consumed = 0;
        error = e;
        return HttpParseStatus.Invalid;
    }

    private static HttpParseStatus Invalid(HttpParseError e, out HttpParseError error)
    {
        error = e;
        return HttpParseStatus.Invalid;
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    private static bool IsControl(byte b) => b < 0x20 || b == 0x7F;

    private static bool IsVisible(ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty) return false;
        foreach (byte b in s)
            if (b is < 0x21 or > 0x7E) return false;
        return true;
    }

    /// <summary>True when <paramref name="s"/> is an RFC 7230 token: one or more tchar.</summary>
    public static bool IsToken(ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty) return false;
        foreach (byte b in s)
            if (!IsTokenChar(b)) return false;
        return true;
    }

    /// <summary>True when <paramref name="s"/> is an RFC 7230 token.</summary>
    public static bool IsToken(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty) return false;
        foreach (char c in s)
            if (c > 0x7F || !IsTokenChar((byte)c)) return false;
        return true;
    }

    // tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
    private static bool IsTokenChar(byte b) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
        || "!#$%&'*+-.^_`|~"u8.Contains(b);
}
