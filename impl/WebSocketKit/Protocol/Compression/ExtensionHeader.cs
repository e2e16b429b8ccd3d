namespace WebSocketKit.Protocol.Compression;

/// <summary>One <c>name[=value]</c> parameter of an extension; the value is unquoted (null when absent).</summary>
public readonly record struct ExtensionParameter(string Name, string? Value);

/// <summary>One element of a Sec-WebSocket-Extensions list: an offer (request) or an acceptance (response).</summary>
/// <param name="Name">The extension token, e.g. permessage-deflate.</param>
/// <param name="Parameters">Parameters in the order they appeared.</param>
/// <param name="Malformed">The element broke the grammar; its name and parameters are what could be read.</param>
public sealed record ExtensionElement(string Name, IReadOnlyList<ExtensionParameter> Parameters, bool Malformed);

/// <summary>
/// Parses Sec-WebSocket-Extensions values by RFC 6455 section 9.1 with the list rules of RFC 7230 section 7:
/// comma-separated elements (empty ones ignored), <c>;</c>-separated parameters, optional whitespace, values
/// as tokens or quoted strings whose unescaped content must itself be a token. A broken element is kept,
/// marked malformed, and parsing resumes at the next comma outside quotes.
/// </summary>
public static class ExtensionHeader
{
    /// <summary>All elements of all header lines, in order.</summary>
    public static List<ExtensionElement> Parse(IEnumerable<string> headerValues)
    {
        var result = new List<ExtensionElement>();
        foreach (var value in headerValues) ParseInto(value, result);
        return result;
    }

    /// <summary>All elements of one header line.</summary>
    public static List<ExtensionElement> Parse(string headerValue) => Parse([headerValue]);

    private static void ParseInto(string s, List<ExtensionElement> result)
    {
        int p = 0;
        while (p < s.Length)
        {
            SkipSpace(s, ref p);
            if (p >= s.Length) break;
            if (s[p] == ',')
            {
                p++;
                continue;
            }
            var parameters = new List<ExtensionParameter>();
            string name = ReadToken(s, ref p);
            bool ok = name.Length > 0 && ReadParameters(s, ref p, parameters);
            if (!ok) SkipElement(s, ref p);
            result.Add(new ExtensionElement(name, parameters, !ok));
        }
    }

    private static bool ReadParameters(string s, ref int p, List<ExtensionParameter> parameters)
    {
        while (true)
        {
            SkipSpace(s, ref p);
            if (p >= s.Length) return true;
            if (s[p] == ',')
            {
                p++;
                return true;
            }
            if (s[p] != ';') return false;
            p++;
            SkipSpace(s, ref p);
            string name = ReadToken(s, ref p);
            if (name.Length == 0) return false;
            SkipSpace(s, ref p);
            string? value = null;
            if (p < s.Length && s[p] == '=')
            {
                p++;
                SkipSpace(s, ref p);
                value = p < s.Length && s[p] == '"' ? ReadQuoted(s, ref p) : ReadToken(s, ref p);
                if (string.IsNullOrEmpty(value) || !IsToken(value)) return false;
            }
            parameters.Add(new ExtensionParameter(name, value));
        }
    }

    private static string? ReadQuoted(string s, ref int p)
    {
        var sb = new System.Text.StringBuilder();
        p++; // opening quote
        while (p < s.Length)
        {
            char c = s[p++];
            if (c == '"') return sb.ToString();
            if (c == '\\')
            {
                if (p >= s.Length) return null;
                c = s[p++];
            }
            sb.Append(c);
        }
        return null; // unterminated
    }

    private static void SkipElement(string s, ref int p)
    {
        bool quoted = false;
        while (p < s.Length)
        {
            char c = s[p++];
            if (quoted && c == '\\') p++;
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) return;
        }
    }

    private static void SkipSpace(string s, ref int p)
    {
        while (p < s.Length && (s[p] == ' ' || s[p] == '\t')) p++;
    }

    private static string ReadToken(string s, ref int p)
    {
        int start = p;
        while (p < s.Length && IsTokenChar(s[p])) p++;
        return s[start..p];
    }

    /// <summary>RFC 7230 token: visible ASCII except separators.</summary>
    public static bool IsToken(string s) => s.Length > 0 && s.All(IsTokenChar);

    private static bool IsTokenChar(char c) => c > ' ' && c < 0x7F && !"()<>@,;:\\\"/[]?={}".Contains(c);
}
