using System.Text.Json;
using System.Text.Json.Serialization;

namespace Autobahn.Fuzz;

/// <summary>How a frame's payload length is written: the shortest form, or a longer one than needed, or with the forbidden top bit.</summary>
public enum LengthForm { Minimal, Wide16, Wide64, TopBit64 }

/// <summary>How a data frame's payload is compressed when permessage-deflate was agreed.</summary>
public enum DeflateKind { None, Valid, Corrupt }

public enum StepKind { Frame, Pause, TcpClose }

/// <summary>One header line of the opening request, written exactly as given (name case, spacing, duplicates).</summary>
public sealed record HeaderField(string Name, string Value);

/// <summary>The opening request: method, version, header lines in order, and where the request is cut into TCP writes.</summary>
public sealed record HandshakeSpec
{
    public string Method { get; init; } = "GET";
    public string Path { get; init; } = "/";
    public string Version { get; init; } = "HTTP/1.1";
    /// <summary>Header lines; the value "{host}" stands for the target's host:port.</summary>
    public List<HeaderField> Headers { get; init; } = [];
    /// <summary>Write boundaries inside the request's octets.</summary>
    public List<int> Splits { get; init; } = [];
    /// <summary>The Sec-WebSocket-Key sent (fixed, so a session replays octet for octet).</summary>
    public string Key { get; init; } = "dGhlIHNhbXBsZSBub25jZQ==";
}

/// <summary>One thing a session does after the opening handshake: send a frame, pause, or close TCP.</summary>
public sealed record FuzzStep
{
    public StepKind Kind { get; init; } = StepKind.Frame;
    public int Opcode { get; init; } = 1;
    public bool Fin { get; init; } = true;
    public int Rsv { get; init; }
    public bool Masked { get; init; } = true;
    /// <summary>The payload before compression and masking, as lowercase hex.</summary>
    public string Payload { get; init; } = "";
    public LengthForm Length { get; init; }
    public DeflateKind Deflate { get; init; }
    /// <summary>Masking key as hex (derived from the seed, so replays are exact).</summary>
    public string Mask { get; init; } = "a1b2c3d4";
    /// <summary>Write boundaries inside the frame's octets.</summary>
    public List<int> Splits { get; init; } = [];
    public int PauseMs { get; init; }

    [JsonIgnore] public byte[] PayloadBytes => Convert.FromHexString(Payload);

    public override string ToString() => Kind switch
    {
        StepKind.Pause => $"pause {PauseMs} ms",
        StepKind.TcpClose => "close TCP",
        _ => $"{OpcodeName(Opcode)} fin={(Fin ? 1 : 0)} rsv={Rsv}{(Masked ? "" : " UNMASKED")} len={Payload.Length / 2}" +
             (Length == LengthForm.Minimal ? "" : $" ({Length})") + (Deflate == DeflateKind.None ? "" : $" deflate={Deflate}") +
             (Splits.Count > 0 ? $" in {Splits.Count + 1} writes" : "") + $" {Preview(PayloadBytes)}",
    };

    public static string OpcodeName(int op) => op switch
    {
        0 => "continuation", 1 => "text", 2 => "binary", 8 => "close", 9 => "ping", 10 => "pong", _ => $"opcode-{op}",
    };

    public static string Preview(byte[] data)
    {
        if (data.Length == 0) return "\"\"";
        var shown = data.AsSpan(0, Math.Min(data.Length, 24));
        return System.Text.Unicode.Utf8.IsValid(shown) && !shown.ContainsAnyInRange((byte)0, (byte)31)
            ? "\"" + System.Text.Encoding.UTF8.GetString(shown) + (data.Length > 24 ? "…\"" : "\"")
            : "0x" + Convert.ToHexStringLower(shown) + (data.Length > 24 ? "…" : "");
    }
}

/// <summary>A whole session: the opening handshake and what follows it. After the last step the fuzzer closes normally.</summary>
public sealed record FuzzSession
{
    public HandshakeSpec Handshake { get; init; } = new();
    public List<FuzzStep> Steps { get; init; } = [];

    public int FrameCount => Steps.Count(s => s.Kind == StepKind.Frame);
}

public static class FuzzJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
