using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Autobahn.Engine.Wire;

/// <summary>
/// The record of everything that crossed the wire, in the official report's entry shapes
/// (TO/RO octets, TF/RF frames, KL/TI/CT timers and when they fired), plus each entry's time since the connection began.
/// </summary>
public sealed class WireLog
{
    /// <summary>How much of each chunk's content the log keeps, as the official reports do.</summary>
    private const int MaxShown = 64;
    private const string Ellipsis = " ...";

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    public JsonArray Entries { get; } = [];
    /// <summary>Milliseconds since the connection began, one per entry (our addition; the official log has no times).</summary>
    public JsonArray Times { get; } = [];
    public SortedDictionary<int, int> RxOctets { get; } = [];
    public SortedDictionary<int, int> TxOctets { get; } = [];
    public SortedDictionary<int, int> RxFrames { get; } = [];
    public SortedDictionary<int, int> TxFrames { get; } = [];

    /// <summary>While false, octets and frames are counted in the statistics but not logged.</summary>
    public bool Enabled { get; private set; } = true;

    public void Switch(bool enabled, bool mark)
    {
        if (enabled == Enabled) return;
        Enabled = enabled;
        if (mark) Add("WLM", enabled);
    }

    private void Add(params JsonNode?[] items)
    {
        Entries.Add(new JsonArray(items));
        Times.Add(Math.Round(_clock.Elapsed.TotalMilliseconds, 3));
    }

    public void TxOctetsSent(ReadOnlySpan<byte> data, bool sync)
    {
        Count(TxOctets, data.Length);
        if (Enabled) Add("TO", new JsonArray(data.Length, Hex(data)), sync);
    }

    public void RxOctetsReceived(ReadOnlySpan<byte> data)
    {
        Count(RxOctets, data.Length);
        if (Enabled) Add("RO", new JsonArray(data.Length, Hex(data)));
    }

    public void TxFrame(FrameSpec f, ReadOnlySpan<byte> mask) => TxFrame(f.Opcode, f.Payload, f.Fin, f.Rsv, mask, f.RepeatLength, f.ChopSize, f.Sync);

    /// <summary>One frame sent (an empty <paramref name="mask"/>: unmasked); with the log off only counted, nothing built.</summary>
    public void TxFrame(int opcode, ReadOnlySpan<byte> payload, bool fin, int rsv, ReadOnlySpan<byte> mask, int? repeatLength = null, int? chopSize = null, bool sync = false)
    {
        Count(TxFrames, opcode);
        if (Enabled) Add("TF", new JsonArray(payload.Length, Readable(payload)), opcode, fin, rsv,
            mask.IsEmpty ? null : Convert.ToHexStringLower(mask), repeatLength, chopSize, sync);
    }

    public void RxFrame(ReceivedFrame f)
    {
        Count(RxFrames, f.Opcode);
        if (Enabled) Add("RF", new JsonArray(f.Payload.Length, Readable(f.Payload)), f.Opcode, f.Fin, f.Rsv, f.Mask is not null,
            f.Mask is null ? null : Convert.ToHexStringLower(f.Mask));
    }

    public void Timer(string kind, double seconds, string? tag = null)
    {
        if (kind == "CT") Add(kind, seconds, tag); else Add(kind, seconds);
    }

    public void TimerFired(string kind, string? tag = null)
    {
        if (kind == "CTE") Add(kind, tag); else Add(kind);
    }

    private static void Count(SortedDictionary<int, int> stats, int key) => stats[key] = stats.GetValueOrDefault(key) + 1;

    /// <summary>Hex of the first octets, with an ellipsis when the chunk is longer than the log shows.</summary>
    public static string Hex(ReadOnlySpan<byte> data) =>
        data.Length > MaxShown - Ellipsis.Length ? Convert.ToHexStringLower(data[..Math.Min(MaxShown, data.Length)]) + Ellipsis : Convert.ToHexStringLower(data);

    /// <summary>The payload as text when it is UTF-8, else as 0x-prefixed hex (the official reports' convention).</summary>
    public static string Readable(ReadOnlySpan<byte> data)
    {
        bool cut = data.Length > MaxShown - Ellipsis.Length;
        var shown = cut ? data[..Math.Min(MaxShown, data.Length)] : data;
        if (System.Text.Unicode.Utf8.IsValid(shown)) return Encoding.UTF8.GetString(shown) + (cut ? Ellipsis : "");
        return "0x" + Hex(data);
    }
}
