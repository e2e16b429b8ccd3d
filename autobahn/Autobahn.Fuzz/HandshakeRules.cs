namespace Autobahn.Fuzz;

public enum HandshakeKind { Valid, Invalid, Unspecified }

/// <summary>What RFC 6455 4.2.1 and RFC 7692 7.1 say about an opening request and the extensions a server may accept.</summary>
public static class HandshakeRules
{
    public readonly record struct Class(HandshakeKind Kind, string Why);

    /// <summary>Valid: a server must accept it. Invalid: it must refuse it. Unspecified: HTTP or the RFC leave the server a choice.</summary>
    public static Class Classify(HandshakeSpec h)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        bool oddName = false;
        foreach (var f in h.Headers)
        {
            // A space between a header name and its colon must be refused by HTTP/1.1 (RFC 9112 5.1), but servers differ.
            if (f.Name != f.Name.Trim() || f.Name.Length == 0) oddName = true;
            var name = f.Name.Trim();
            if (!values.TryGetValue(name, out var list)) values[name] = list = [];
            list.Add(f.Value.Trim(' ', '\t'));
        }
        List<string> All(string n) => values.GetValueOrDefault(n) ?? [];
        bool HasToken(string n, string token) => All(n).Any(v => SessionExecutor.HasToken(v, token));

        if (h.Method != "GET") return new(HandshakeKind.Invalid, $"method {h.Method}");
        if (h.Version != "HTTP/1.1") return h.Version == "HTTP/1.0" ? new(HandshakeKind.Invalid, "HTTP/1.0") : new(HandshakeKind.Unspecified, h.Version);
        if (All("Host").Count == 0) return new(HandshakeKind.Invalid, "no Host");
        if (!HasToken("Upgrade", "websocket")) return new(HandshakeKind.Invalid, "no 'Upgrade: websocket'");
        if (!HasToken("Connection", "upgrade")) return new(HandshakeKind.Invalid, "no 'Upgrade' in Connection");
        var keys = All("Sec-WebSocket-Key");
        if (keys.Count == 0) return new(HandshakeKind.Invalid, "no Sec-WebSocket-Key");
        if (keys.Count == 1 && !IsKey(keys[0].Replace("{key}", h.Key))) return new(HandshakeKind.Invalid, "a Sec-WebSocket-Key that is not 16 octets in base64");
        var versions = All("Sec-WebSocket-Version");
        if (versions.Count == 0) return new(HandshakeKind.Invalid, "no Sec-WebSocket-Version");
        if (versions.Count == 1 && versions[0] != "13")
        {
            // 0-12 are the drafts' numbers in the IANA registry: a server may still speak one (RFC 6455 4.4). Others are nobody's.
            return int.TryParse(versions[0], out int v) && v is >= 0 and < 13 && versions[0] == v.ToString()
                ? new(HandshakeKind.Unspecified, $"Sec-WebSocket-Version {versions[0]}, a draft's version")
                : new(HandshakeKind.Invalid, $"Sec-WebSocket-Version {versions[0]}");
        }
        // An Upgrade list offering other protocols too: HTTP lets the server pick, RFC 6455 only says "containing".
        if (All("Upgrade").Any(v => v.Contains(','))) return new(HandshakeKind.Unspecified, "an Upgrade list with other protocols");
        // Origin and subprotocols are the server's policy to refuse (RFC 6455 4.2.2 allows a 403).
        if (All("Origin").Count > 0 || All("Sec-WebSocket-Protocol").Count > 0) return new(HandshakeKind.Unspecified, "an Origin or subprotocol the server may refuse");
        // A malformed extension offer must be declined (RFC 7692 5); refusing the whole request for it is HTTP's right too.
        if (Offers(h).Any(o => !o.WellFormed && o.Name.Equals("permessage-deflate", StringComparison.OrdinalIgnoreCase)))
            return new(HandshakeKind.Unspecified, "a malformed permessage-deflate offer");
        if (oddName) return new(HandshakeKind.Unspecified, "whitespace in a header name");
        if (All("Host").Count > 1 || keys.Count > 1 || versions.Count > 1 || All("Upgrade").Count > 1 || All("Connection").Count > 1) return new(HandshakeKind.Unspecified, "a header the RFC wants once appears twice");
        return new(HandshakeKind.Valid, "");
    }

    private static bool IsKey(string key)
    {
        var bytes = new byte[32];
        return Convert.TryFromBase64String(key, bytes, out int n) && n == 16;
    }

    /// <summary>Offers the request made, by extension name; each with its parameters and whether it is well formed.</summary>
    internal sealed record Offer(string Name, Dictionary<string, string?> Params, bool WellFormed);

    internal static List<Offer> Offers(HandshakeSpec h)
    {
        var offers = new List<Offer>();
        foreach (var f in h.Headers.Where(f => f.Name.Trim().Equals("Sec-WebSocket-Extensions", StringComparison.OrdinalIgnoreCase)))
            foreach (var ext in f.Value.Split(','))
            {
                var parts = ext.Split(';').Select(p => p.Trim()).ToArray();
                if (parts[0].Length == 0) continue;
                var ps = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
                bool ok = true;
                foreach (var p in parts.Skip(1))
                {
                    var kv = p.Split('=', 2);
                    var name = kv[0].Trim();
                    var value = kv.Length == 2 ? kv[1].Trim().Trim('"') : null;
                    if (!ps.TryAdd(name, value)) ok = false;
                    ok &= name.ToLowerInvariant() switch
                    {
                        "server_no_context_takeover" or "client_no_context_takeover" => value is null,
                        "server_max_window_bits" => Bits(value) is not null,
                        "client_max_window_bits" => value is null || Bits(value) is not null,
                        _ => false,
                    };
                }
                offers.Add(new(parts[0], ps, ok));
            }
        return offers;
    }

    private static int? Bits(string? v) => int.TryParse(v, out int b) && b is >= 8 and <= 15 && v == b.ToString() ? b : null;

    /// <summary>Why the server's Sec-WebSocket-Extensions answer is not one RFC 7692 allows for the offers made, or null.</summary>
    public static string? ExtensionProblem(HandshakeSpec h, string? answer, string? parseError)
    {
        if (string.IsNullOrWhiteSpace(answer)) return null;
        var offers = Offers(h);
        foreach (var ext in answer.Split(','))
        {
            var parts = ext.Split(';').Select(p => p.Trim()).ToArray();
            if (!offers.Any(o => o.Name.Equals(parts[0], StringComparison.OrdinalIgnoreCase)))
                return $"the server accepted '{parts[0]}', which was not offered";
            if (!parts[0].Equals("permessage-deflate", StringComparison.OrdinalIgnoreCase)) continue;
            if (parseError is not null) return parseError;
            var answered = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var p in parts.Skip(1))
            {
                var kv = p.Split('=', 2);
                if (!answered.TryAdd(kv[0].Trim(), kv.Length == 2 ? kv[1].Trim().Trim('"') : null)) return $"the answer repeats '{kv[0].Trim()}'";
            }
            var candidates = offers.Where(o => o.Name.Equals("permessage-deflate", StringComparison.OrdinalIgnoreCase)).ToList();
            if (!candidates.Any(o => o.WellFormed))
                return $"the server accepted permessage-deflate though every offer was malformed ({ext.Trim()} for '{string.Join(", ", candidates.Select(Show))}')";
            string? why = null;
            foreach (var o in candidates.Where(o => o.WellFormed))
            {
                why = Mismatch(o, answered);
                if (why is null) return null;
            }
            return why;
        }
        return null;
    }

    private static string Show(Offer o) => o.Name + string.Concat(o.Params.Select(p => "; " + p.Key + (p.Value is null ? "" : "=" + p.Value)));

    /// <summary>RFC 7692 7.1.2: the answer's window sizes against the offer it accepts; null when consistent.</summary>
    private static string? Mismatch(Offer o, Dictionary<string, string?> a)
    {
        if (o.Params.TryGetValue("server_max_window_bits", out var asked))
        {
            if (!a.TryGetValue("server_max_window_bits", out var given))
                return $"the offer asked for server_max_window_bits={asked}; the answer neither honours it nor declines the offer (RFC 7692 7.1.2.1)";
            if (Bits(given) is not int g || g > Bits(asked)) return $"server_max_window_bits={given} answers an offer of {asked} (RFC 7692 7.1.2.1)";
        }
        if (a.TryGetValue("client_max_window_bits", out var cg))
        {
            if (!o.Params.TryGetValue("client_max_window_bits", out var offered))
                return "client_max_window_bits in the answer to an offer without it (RFC 7692 7.1.2.2)";
            if (Bits(cg) is not int c || (offered is not null && c > Bits(offered))) return $"client_max_window_bits={cg} answers an offer of {offered ?? "any"} (RFC 7692 7.1.2.2)";
        }
        return null;
    }
}
