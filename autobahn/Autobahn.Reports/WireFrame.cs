using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Autobahn.Runner.Reports;

/// <summary>
/// One WebSocket frame of a case's wire log: an "RF" (received) entry, or a sent frame decoded from the octets
/// written ("TO"), or a "TF" entry when the log cut those octets short. Logs keep only a preview of each payload, so
/// <see cref="Shown"/> may be shorter than <see cref="Length"/>.
/// </summary>
/// <param name="Entry">Index of the frame's wire log entry (for raw octets, of their first write), to find what happened around it.</param>
/// <param name="Raw">Decoded from written octets rather than read from a TF entry.</param>
/// <param name="Writes">How many separate writes carried the frame (a case may write one frame in pieces, with waits between).</param>
public sealed record WireFrame(int Entry, bool Sent, int Opcode, bool Fin, int Rsv, long Length, byte[] Shown, bool Raw, int Writes = 1)
{
    public bool Complete => Shown.Length == Length;

    public bool IsData => Opcode is 0 or 1 or 2;

    /// <summary>The close code of a close frame, when its payload has one.</summary>
    public int? CloseCode => Opcode == 8 && Shown.Length >= 2 ? Shown[0] << 8 | Shown[1] : null;

    public string? CloseReason => Opcode == 8 && Shown.Length > 2 ? Encoding.UTF8.GetString(Shown, 2, Shown.Length - 2) : null;

    public static string OpcodeName(int opcode) => opcode switch
    {
        0 => "CONT",
        1 => "TEXT",
        2 => "BINARY",
        8 => "CLOSE",
        9 => "PING",
        10 => "PONG",
        _ => "OP" + opcode.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A line such as <c>-&gt; TEXT fin=1 rsv=0 len=11 "κόσμε"</c> or <c>&lt;- CLOSE fin=1 len=2 code=1000</c>.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append(Sent ? "-> " : "<- ").Append(OpcodeName(Opcode))
          .Append(CultureInfo.InvariantCulture, $" fin={(Fin ? 1 : 0)} rsv={Rsv} len={Length}");
        if (Opcode == 8)
        {
            if (CloseCode is { } code) sb.Append(CultureInfo.InvariantCulture, $" code={code}");
            if (Shown.Length > 2) sb.Append(" reason=").Append(Preview(Shown[2..], binary: false));
        }
        else if (Shown.Length > 0)
        {
            sb.Append(' ').Append(Preview(Shown, Opcode == 2));
        }
        if (Writes > 1) sb.Append(CultureInfo.InvariantCulture, $" (in {Writes} writes)");
        return sb.ToString();
    }

    /// <summary>The first bytes: quoted text when they are UTF-8 (and not binary), else hex.</summary>
    public static string Preview(byte[] bytes, bool binary)
    {
        const int maxChars = 24, maxBytes = 16;
        if (!binary && System.Text.Unicode.Utf8.IsValid(bytes))
        {
            var text = Encoding.UTF8.GetString(bytes);
            return Quote(text.Length > maxChars ? text[..maxChars] + "…" : text);
        }
        var hex = Convert.ToHexStringLower(bytes.AsSpan(0, Math.Min(maxBytes, bytes.Length)));
        return "0x" + hex + (bytes.Length > maxBytes ? "…" : "");
    }

    private static string Quote(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (var ch in text)
        {
            if (ch == '"' || ch == '\\') sb.Append('\\').Append(ch);
            else if (char.IsControl(ch)) sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)ch:x4}");
            else sb.Append(ch);
        }
        return sb.Append('"').ToString();
    }

    /// <summary>The bytes a log preview stands for: "0x..." is hex, anything else is the UTF-8 text; a trailing " ..." marks a cut.</summary>
    public static byte[] PreviewBytes(string preview)
    {
        const string cut = " ...";
        var body = preview.EndsWith(cut, StringComparison.Ordinal) ? preview[..^cut.Length] : preview;
        if (body.StartsWith("0x", StringComparison.Ordinal))
        {
            var hex = body[2..];
            try
            {
                return Convert.FromHexString(hex.Length % 2 == 0 ? hex : hex[..^1]);
            }
            catch (FormatException)
            {
                // Text that merely starts with "0x" (an echoed message, say) is text after all.
            }
        }
        return Encoding.UTF8.GetBytes(body);
    }

    /// <summary>
    /// Every frame of a wire log in order. Sent frames are decoded from the octets written (TO), which are what
    /// crossed the wire even when a case writes a frame by hand, in pieces or against its own TF entry; when the
    /// log cut any written chunk short (large payloads), the TF entries are used instead.
    /// </summary>
    public static IReadOnlyList<WireFrame> ReadAll(JsonElement wirelog)
    {
        var frames = new List<WireFrame>();
        if (wirelog.ValueKind != JsonValueKind.Array) return frames;
        var entries = wirelog.EnumerateArray().ToList();
        var fromOctets = entries.All(e => Kind(e) != "TO" || IsHandshake(e) || !(e[1][1].GetString() ?? "").EndsWith(" ...", StringComparison.Ordinal));
        var octets = new RawOctets();
        for (var index = 0; index < entries.Count; index++)
        {
            var e = entries[index];
            switch (Kind(e))
            {
                case "TF" when !fromOctets && e.GetArrayLength() >= 5:
                    frames.Add(FromEntry(index, true, e));
                    break;
                case "RF" when e.GetArrayLength() >= 5:
                    frames.Add(FromEntry(index, false, e));
                    break;
                case "TO" when fromOctets && !IsHandshake(e):
                    octets.Add(index, Convert.FromHexString(e[1][1].GetString() ?? ""), frames);
                    break;
            }
        }
        return frames;
    }

    private static string? Kind(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array && e.GetArrayLength() >= 2 && e[0].ValueKind == JsonValueKind.String ? e[0].GetString() : null;

    /// <summary>The opening handshake's request or response ("GET ..." / "HTTP/1.1 ...").</summary>
    private static bool IsHandshake(JsonElement e)
    {
        var hex = e[1][1].GetString() ?? "";
        return hex.StartsWith("474554", StringComparison.Ordinal) || hex.StartsWith("48545450", StringComparison.Ordinal);
    }

    private static WireFrame FromEntry(int index, bool sent, JsonElement e)
    {
        var length = e[1][0].GetInt64();
        var shown = PreviewBytes(e[1][1].GetString() ?? "");
        if (shown.Length > length) shown = shown[..(int)length];
        // A sent frame's payload may be repeated up to a length (entry 6), e.g. 7.1.6's 256 KiB message.
        if (sent && e.GetArrayLength() > 6 && e[6].ValueKind == JsonValueKind.Number) length = e[6].GetInt64();
        return new WireFrame(index, sent, e[2].GetInt32(), e[3].ValueKind == JsonValueKind.True, e[4].GetInt32(), length, shown, Raw: false);
    }

    /// <summary>The written octets as a stream of frames; a frame is reported once its last octet is written.</summary>
    private sealed class RawOctets
    {
        private readonly List<byte> _buffer = [];
        private int _writes;
        private int _first = -1;

        public void Add(int index, byte[] chunk, List<WireFrame> frames)
        {
            _buffer.AddRange(chunk);
            _writes++;
            if (_first < 0) _first = index;
            while (TryTake(out var frame)) frames.Add(frame);
        }

        private bool TryTake(out WireFrame frame)
        {
            frame = null!;
            if (_buffer.Count < 2) return false;
            var b0 = _buffer[0];
            var b1 = _buffer[1];
            var at = 2;
            long length = b1 & 0x7f;
            if (length == 126)
            {
                if (_buffer.Count < 4) return false;
                length = _buffer[2] << 8 | _buffer[3];
                at = 4;
            }
            else if (length == 127)
            {
                if (_buffer.Count < 10) return false;
                length = 0;
                for (var i = 2; i < 10; i++) length = length << 8 | _buffer[i];
                at = 10;
            }
            var masked = (b1 & 0x80) != 0;
            var mask = masked && _buffer.Count >= at + 4 ? _buffer.GetRange(at, 4).ToArray() : null;
            if (masked) at += 4;
            if (_buffer.Count < at + length) return false;
            var payload = _buffer.GetRange(at, (int)length).ToArray();
            if (mask is not null)
            {
                for (var i = 0; i < payload.Length; i++) payload[i] ^= mask[i % 4];
            }
            frame = new WireFrame(_first, true, b0 & 0x0f, (b0 & 0x80) != 0, (b0 >> 4) & 7, length, payload, Raw: true, _writes);
            _buffer.RemoveRange(0, at + (int)length);
            _writes = _buffer.Count > 0 ? 1 : 0;
            _first = _buffer.Count > 0 ? _first : -1;
            return true;
        }
    }
}
