using System.Text;

namespace WebSocketKit.Protocol.Handshake;

/// <summary>
/// Builds HTTP/1.1 heads as bytes. Every value passes through <see cref="Neutralise"/>, so a value
/// that came from an application (or, worse, from the peer) can never end the line early and
/// inject header fields or a body (response splitting).
/// </summary>
public sealed class HttpHeadWriter
{
    private readonly StringBuilder _text = new(256);

    /// <summary>Starts a response with its status line.</summary>
    public static HttpHeadWriter Response(int status, string reason)
    {
        var w = new HttpHeadWriter();
        w._text.Append("HTTP/1.1 ").Append(status).Append(' ').Append(Neutralise(reason)).Append("\r\n");
        return w;
    }

    /// <summary>Starts a request with its request line.</summary>
    public static HttpHeadWriter Request(string method, string target)
    {
        if (!HttpHeadParser.IsToken(method)) throw new ArgumentException("The method must be an HTTP token.", nameof(method));
        if (target.Length == 0 || target.AsSpan().IndexOfAnyExceptInRange('!', '~') >= 0)
            throw new ArgumentException("The request target must be visible ASCII without spaces.", nameof(target));
        var w = new HttpHeadWriter();
        w._text.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n");
        return w;
    }

    /// <summary>Adds a field. A name that is not a token is a programming error and throws.</summary>
    public HttpHeadWriter Header(string name, string value)
    {
        if (!HttpHeadParser.IsToken(name)) throw new ArgumentException($"'{name}' is not a valid header field name.", nameof(name));
        _text.Append(name).Append(": ").Append(Neutralise(value)).Append("\r\n");
        return this;
    }

    /// <summary>Adds every field of <paramref name="headers"/> except those named in <paramref name="skip"/>.</summary>
    public HttpHeadWriter Headers(IEnumerable<KeyValuePair<string, string>>? headers, params ReadOnlySpan<string> skip)
    {
        if (headers is null) return this;
        foreach (var (name, value) in headers)
        {
            bool skipped = false;
            foreach (var s in skip) skipped |= string.Equals(s, name, StringComparison.OrdinalIgnoreCase);
            if (!skipped) Header(name, value);
        }
        return this;
    }

    /// <summary>Ends the head (and appends <paramref name="body"/>, if any) and returns the bytes.</summary>
    public byte[] ToBytes(string? body = null)
    {
        byte[]? bodyBytes = body is null ? null : Encoding.UTF8.GetBytes(body);
        if (bodyBytes is not null)
            _text.Append("Content-Type: text/plain; charset=utf-8\r\nContent-Length: ").Append(bodyBytes.Length).Append("\r\n");
        _text.Append("\r\n");
        // Field values are octets: Latin-1 maps each char of a neutralised value to one byte.
        byte[] head = Encoding.Latin1.GetBytes(_text.ToString());
        return bodyBytes is null ? head : [.. head, .. bodyBytes];
    }

    /// <summary>
    /// Replaces every control character (CR and LF included) with a space. Characters outside
    /// Latin-1 are replaced with '?', since HTTP field values are octets, not UTF-16.
    /// </summary>
    public static string Neutralise(string value)
    {
        if (value.AsSpan().IndexOfAnyExceptInRange(' ', '~') < 0) return value;
        return string.Create(value.Length, value, static (dest, v) =>
        {
            for (int i = 0; i < v.Length; i++)
            {
                char c = v[i];
                dest[i] = c < ' ' || c == '\x7F' ? ' ' : c > '\xFF' ? '?' : c;
            }
        });
    }
}
