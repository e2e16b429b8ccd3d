using System.Text;

namespace Autobahn.Fuzz;

/// <summary>
/// Makes sessions from a seeded generator: new ones from building blocks (messages, fragments with control frames
/// inside, pings, closes, protocol errors, compression), and mutants of sessions the corpus kept. Same seed, same sessions.
/// </summary>
public sealed class Generator(int seed)
{
    private readonly Random _rng = new(seed);

    private bool Chance(double p) => _rng.NextDouble() < p;
    private T Pick<T>(IReadOnlyList<T> items) => items[_rng.Next(items.Count)];
    private string Mask() => Convert.ToHexStringLower(BitConverter.GetBytes(_rng.Next()));

    // ---- payloads ----

    private static readonly string[] Texts = ["Hello", "", "κόσμε", "€", "日本語", "\U0001F600", "a b c", "{\"k\":[1,2,3]}", "ÿ", "\u007f\u0000"];
    private static readonly byte[][] BadUtf8 =
    [
        [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xCE, 0xBA, 0xE1], [0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE0, 0x80, 0xAF],
    ];

    private byte[] Text(int? size = null)
    {
        int n = size ?? Pick([0, 1, 5, 20, 125, 126, 200, 1000, 65535, 65536, 70000, 20000]);
        var sb = new StringBuilder();
        while (Encoding.UTF8.GetByteCount(sb.ToString()) < n) sb.Append(Pick(Texts)).Append(' ');
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        // Cut on a character boundary at about n octets.
        int cut = Math.Min(n, bytes.Length);
        while (cut > 0 && cut < bytes.Length && (bytes[cut] & 0xC0) == 0x80) cut--;
        return bytes[..cut];
    }

    private byte[] Binary(int? size = null)
    {
        var b = new byte[size ?? Pick([0, 1, 16, 125, 126, 127, 1024, 65535, 65536, 66000])];
        _rng.NextBytes(b);
        return b;
    }

    private byte[] InvalidText()
    {
        var good = Text(Pick([0, 3, 10, 40]));
        var bad = Pick(BadUtf8);
        int at = good.Length == 0 ? 0 : _rng.Next(good.Length + 1);
        while (at > 0 && at < good.Length && (good[at] & 0xC0) == 0x80) at--;
        return [.. good[..at], .. bad, .. good[at..]];
    }

    private static string Hex(byte[] b) => Convert.ToHexStringLower(b);

    // ---- frames ----

    private FuzzStep Frame(int opcode, byte[] payload, bool fin = true) => new()
    {
        Opcode = opcode, Payload = Hex(payload), Fin = fin, Mask = Mask(),
        Length = Chance(0.1) ? Pick([LengthForm.Wide16, LengthForm.Wide64]) : LengthForm.Minimal,
        Splits = Chance(0.2) ? Splits(payload.Length + 14) : [],
    };

    private List<int> Splits(int length)
    {
        int n = _rng.Next(1, 4);
        return [.. Enumerable.Range(0, n).Select(_ => _rng.Next(1, Math.Max(2, Math.Min(length, 16)))).Distinct().Order()];
    }

    private FuzzStep Ping() => Frame(9, Chance(0.5) ? [] : Text(Pick([1, 10, 125])));
    private FuzzStep Pause() => new() { Kind = StepKind.Pause, PauseMs = Pick([1, 5, 20, 60]) };

    private static readonly int[] ValidCodes = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999];
    private static readonly int[] InvalidCodes = [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999];
    private static readonly int[] ArguableCodes = [1012, 1013, 1014, 5000, 65535];

    private FuzzStep Close()
    {
        byte[] body = _rng.Next(10) switch
        {
            0 => [],
            1 => [0x03],
            2 => [.. Code(Pick(InvalidCodes))],
            3 => [.. Code(Pick(ArguableCodes))],
            4 => [.. Code(1000), .. Pick(BadUtf8)],
            5 => [.. Code(1000), .. Enumerable.Repeat((byte)'*', Pick([123, 124]))],
            _ => [.. Code(Pick(ValidCodes)), .. Text(Pick([0, 0, 5, 20]))],
        };
        return Frame(8, body);
    }

    private static byte[] Code(int c) => [(byte)(c >> 8), (byte)c];

    /// <summary>A data message, maybe fragmented with pings between the fragments, maybe compressed.</summary>
    private IEnumerable<FuzzStep> Message(bool valid)
    {
        bool binary = Chance(0.35);
        var payload = binary ? Binary() : valid ? Text() : InvalidText();
        if (Chance(0.3) && payload.Length <= 4096)
        {
            yield return Frame(binary ? 2 : 1, payload) with { Deflate = DeflateKind.Valid };
            yield break;
        }
        int pieces = Chance(0.5) ? 1 : _rng.Next(2, 5);
        int at = 0;
        for (int i = 0; i < pieces; i++)
        {
            int end = i == pieces - 1 ? payload.Length : Math.Min(payload.Length, at + _rng.Next(payload.Length / pieces + 2));
            yield return Frame(i == 0 ? (binary ? 2 : 1) : 0, payload[at..end], fin: i == pieces - 1);
            at = end;
            if (i < pieces - 1 && Chance(0.4)) yield return Chance(0.8) ? Ping() : Frame(10, Text(4));
            if (i < pieces - 1 && Chance(0.2)) yield return Pause();
        }
    }

    /// <summary>One protocol error, as the RFCs list them.</summary>
    private IEnumerable<FuzzStep> Error()
    {
        switch (_rng.Next(13))
        {
            case 0: yield return Frame(Pick([3, 4, 5, 6, 7, 11, 12, 13, 14, 15]), Text(Pick([0, 5]))); break;
            case 1: yield return Frame(Pick([1, 2, 9]), Text(5)) with { Rsv = Pick([1, 2, 3, 4, 5, 6, 7]) }; break;
            case 2: yield return Frame(9, Text(5), fin: false); break;
            case 3: yield return Frame(Pick([9, 10]), Text(126)); break;
            case 4: yield return Frame(0, Text(5)); break;
            case 5: yield return Frame(1, Text(5), fin: false); yield return Frame(Pick([1, 2]), Text(5)); break;
            case 6: yield return Frame(1, InvalidText()); break;
            case 7: foreach (var s in Message(valid: false)) yield return s; break;
            case 8: yield return Frame(2, Binary(8)) with { Masked = false }; break;
            case 9: yield return Frame(2, Binary(8)) with { Length = LengthForm.TopBit64 }; break;
            case 10: yield return Frame(Pick([1, 2]), Text(Pick([5, 300]))) with { Deflate = DeflateKind.Corrupt }; break;
            case 11: yield return Frame(1, Text(5), fin: false); yield return Frame(0, Text(3)) with { Rsv = 4 }; break;
            default: yield return Close(); break;
        }
    }

    // ---- handshakes ----

    private static readonly string[] DeflateOffers =
    [
        "permessage-deflate", "permessage-deflate; client_max_window_bits", "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
        "permessage-deflate; server_max_window_bits=10", "permessage-deflate; client_max_window_bits=9", "permessage-deflate; server_max_window_bits=8; client_max_window_bits",
        "permessage-deflate; server_max_window_bits=10, permessage-deflate", "permessage-deflate;client_max_window_bits;server_no_context_takeover",
        // Malformed offers a server must decline:
        "permessage-deflate; server_max_window_bits=7", "permessage-deflate; server_max_window_bits", "permessage-deflate; client_max_window_bits=16",
        "permessage-deflate; foo=1", "permessage-deflate; server_no_context_takeover; server_no_context_takeover", "permessage-deflate; server_max_window_bits=010",
        "x-webkit-deflate-frame", "permessage-deflate; client_no_context_takeover=1",
    ];

    public HandshakeSpec Handshake()
    {
        var key = Convert.ToBase64String(BitConverter.GetBytes(_rng.NextInt64()).Concat(BitConverter.GetBytes(_rng.NextInt64())).ToArray());
        var headers = new List<HeaderField>
        {
            new("Host", " {host}"), new("Upgrade", " websocket"), new("Connection", " Upgrade"),
            new("Sec-WebSocket-Key", " {key}"), new("Sec-WebSocket-Version", " 13"),
        };
        if (Chance(0.6)) headers.Add(new("Sec-WebSocket-Extensions", " " + Pick(DeflateOffers[..8])));
        var h = new HandshakeSpec { Key = key, Headers = headers };
        return Chance(0.25) ? MutateHandshake(h) : h;
    }

    public HandshakeSpec MutateHandshake(HandshakeSpec h)
    {
        var headers = h.Headers.ToList();
        int Index(string name) => headers.FindIndex(f => f.Name.Trim().Equals(name, StringComparison.OrdinalIgnoreCase));
        void Set(string name, string value) { int i = Index(name); if (i >= 0) headers[i] = headers[i] with { Value = value }; else headers.Add(new(name, value)); }
        string method = h.Method, version = h.Version;
        var splits = h.Splits;
        switch (_rng.Next(16))
        {
            case 0: headers = [.. headers.Select(f => f with { Name = f.Name.ToLowerInvariant() })]; break;
            case 1: headers = [.. headers.Select(f => f with { Name = f.Name.ToUpperInvariant() })]; break;
            case 2: Set("Upgrade", Pick([" WebSocket", " WEBSOCKET", "websocket", "  websocket\t", " h2c, websocket"])); break;
            case 3: Set("Connection", Pick([" keep-alive, Upgrade", " upgrade", " UPGRADE", "Upgrade  ", " keep-alive,Upgrade"])); break;
            case 4: { int i = _rng.Next(headers.Count); headers.Insert(i, headers[i]); } break;
            case 5: headers.RemoveAt(_rng.Next(headers.Count)); break;
            case 6: Set("Sec-WebSocket-Version", " " + Pick(["8", "12", "14", "0", "13, 8", "abc", ""])); break;
            case 7: method = Pick(["POST", "PUT", "get", "HEAD"]); break;
            case 8: version = Pick(["HTTP/1.0", "HTTP/2.0", "HTTP/1.2"]); break;
            case 9: Set("Sec-WebSocket-Key", " " + Pick(["AAAA", "not base64!", Convert.ToBase64String(new byte[15]), Convert.ToBase64String(new byte[17]), ""])); break;
            case 10: { int i = _rng.Next(headers.Count); headers[i] = headers[i] with { Name = headers[i].Name + " " }; } break;
            case 11: Set("Sec-WebSocket-Extensions", " " + Pick(DeflateOffers)); break;
            case 12: headers.Add(new("Sec-WebSocket-Extensions", " " + Pick(DeflateOffers))); break;
            case 13: headers.Add(new("Sec-WebSocket-Protocol", Pick([" chat", " a, b", ""]))); break;
            case 14: headers.Add(new("Origin", " http://example.com")); headers.Add(new("X-Filler", " " + new string('x', Pick([10, 1000, 8000])))); break;
            default: splits = [.. Enumerable.Range(0, _rng.Next(1, 6)).Select(_ => _rng.Next(1, 200)).Distinct().Order()]; break;
        }
        return h with { Method = method, Version = version, Headers = headers, Splits = splits };
    }

    // ---- sessions ----

    public FuzzSession NewSession()
    {
        var steps = new List<FuzzStep>();
        int blocks = _rng.Next(1, 5);
        for (int b = 0; b < blocks; b++)
        {
            switch (_rng.Next(10))
            {
                case < 4: steps.AddRange(Message(valid: true)); break;
                case 4: steps.Add(Ping()); break;
                case 5: steps.Add(Frame(10, Text(Pick([0, 4])))); break;
                case 6: steps.Add(Pause()); break;
                case 7 when Chance(0.3): steps.Add(Close()); break;
                case 7 when Chance(0.1): steps.Add(new() { Kind = StepKind.TcpClose }); break;
                default: steps.AddRange(Error()); break;
            }
        }
        return new FuzzSession { Handshake = Handshake(), Steps = steps };
    }

    /// <summary>One to three changes to a kept session: steps added, dropped, repeated, swapped or altered; the request altered.</summary>
    public FuzzSession Mutate(FuzzSession s)
    {
        var steps = s.Steps.ToList();
        var handshake = s.Handshake;
        int changes = _rng.Next(1, 4);
        for (int c = 0; c < changes; c++)
        {
            int i = steps.Count == 0 ? 0 : _rng.Next(steps.Count);
            switch (_rng.Next(12))
            {
                case 0: steps.InsertRange(i, Chance(0.5) ? Message(valid: true) : Error()); break;
                case 1: if (steps.Count > 0) steps.RemoveAt(i); break;
                case 2: if (steps.Count > 0) steps.Insert(i, steps[i]); break;
                case 3: if (steps.Count > 1 && i + 1 < steps.Count) (steps[i], steps[i + 1]) = (steps[i + 1], steps[i]); break;
                case 4: steps.Insert(i, Chance(0.6) ? Ping() : Pause()); break;
                case 5: handshake = MutateHandshake(handshake); break;
                default: if (steps.Count > 0 && steps[i].Kind == StepKind.Frame) steps[i] = MutateFrame(steps[i]); break;
            }
        }
        return new FuzzSession { Handshake = handshake, Steps = steps };
    }

    private FuzzStep MutateFrame(FuzzStep f)
    {
        var p = f.PayloadBytes;
        switch (_rng.Next(11))
        {
            case 0: return f with { Fin = !f.Fin };
            case 1: return f with { Opcode = Pick([0, 1, 2, 8, 9, 10, 3, 11]) };
            case 2: return f with { Rsv = _rng.Next(8) };
            case 3: return f with { Length = Pick([LengthForm.Minimal, LengthForm.Wide16, LengthForm.Wide64, LengthForm.TopBit64]) };
            case 4: return f with { Deflate = Pick([DeflateKind.None, DeflateKind.Valid, DeflateKind.Corrupt]) };
            case 5: return f with { Masked = !f.Masked };
            case 6: return f with { Splits = Splits(p.Length + 14) };
            case 7 when p.Length > 0: p = (byte[])p.Clone(); p[_rng.Next(p.Length)] ^= (byte)(1 << _rng.Next(8)); return f with { Payload = Hex(p) };
            case 8: { var bad = Pick(BadUtf8); int at = _rng.Next(p.Length + 1); return f with { Payload = Hex([.. p[..at], .. bad, .. p[at..]]) }; }
            case 9 when p.Length > 0: return f with { Payload = Hex(p[.._rng.Next(p.Length)]) };
            default: return f with { Payload = Hex([.. p, .. Text(Pick([1, 10, 125, 130]))]) };
        }
    }
}
