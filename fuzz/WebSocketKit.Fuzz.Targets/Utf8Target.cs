using System.Buffers;
using System.Text;
using System.Text.Unicode;
using WebSocketKit.Protocol;
using static WebSocketKit.Fuzz.Targets.FuzzFindingException;

namespace WebSocketKit.Fuzz.Targets;

/// <summary>
/// Differential target: the streaming <see cref="Utf8Validator"/>, fed the data in pieces the input
/// chooses (a <see cref="ChunkSchedule"/>, then the data), must agree with the BCL on whether the
/// data is valid UTF-8 and on where it stops being valid. Any disagreement is a finding.
/// </summary>
public sealed class Utf8Target : IFuzzTarget
{
    public string Name => "utf8";

    public IEnumerable<FuzzSeed> Seeds() => Utf8Seeds.All();

    public void Run(ReadOnlySpan<byte> input)
    {
        var schedule = ChunkSchedule.Read(ref input);
        var data = input;
        var (valid, failAt) = BclVerdict(data);

        var validator = new Utf8Validator();
        int reported = Stream(ref validator, data, ref schedule);
        Check(reported == failAt, $"the validator stops at byte {reported}, the BCL at byte {failAt} ({Describe(data, failAt, reported)})");
        if (reported < 0)
            Check(validator.IsComplete == valid, $"IsComplete is {validator.IsComplete} at the end of {(valid ? "valid" : "truncated")} data");
        Check(Utf8Validator.IsValid(data) == valid, "the one-shot IsValid agrees with the BCL");

        // Reset must forget everything: the same data in one piece gives the same answer.
        validator.Reset();
        bool whole = validator.Append(data, out int at);
        Check(whole == (failAt < 0) && at == failAt, $"after Reset, one Append reports {at}, expected {failAt}");
    }

    // Feeds the pieces; returns the absolute index of the byte the validator refused, or -1.
    private static int Stream(ref Utf8Validator validator, ReadOnlySpan<byte> data, ref ChunkSchedule schedule)
    {
        int pos = 0;
        do
        {
            int size = schedule.Next(data.Length - pos);
            bool ok = validator.Append(data.Slice(pos, size), out int at);
            if (!ok)
            {
                Check(at >= 0 && at < size, $"invalidAt {at} lies inside the {size}-byte piece");
                return pos + at;
            }
            Check(at == -1, $"a successful Append reports invalidAt -1, not {at}");
            pos += size;
        } while (pos < data.Length);
        return -1;
    }

    /// <summary>
    /// The BCL's answer: whether the data is valid, and the index of the first byte that cannot
    /// belong to valid UTF-8 whatever follows (-1 if none; a character cut off by the end of the data
    /// makes the data invalid without such a byte). The BCL reports the maximal invalid subsequence
    /// (Unicode chapter 3, "maximal subpart"); the byte after it is the refused one, unless the first
    /// byte cannot start any character at all.
    /// </summary>
    internal static (bool Valid, int FailAt) BclVerdict(ReadOnlySpan<byte> data)
    {
        bool valid = Utf8.IsValid(data);
        int i = 0;
        while (i < data.Length)
        {
            var status = Rune.DecodeFromUtf8(data[i..], out _, out int used);
            if (status == OperationStatus.Done) { i += used; continue; }
            if (status == OperationStatus.NeedMoreData) break;
            bool leadCanStart = Rune.DecodeFromUtf8(data.Slice(i, 1), out _, out _) == OperationStatus.NeedMoreData;
            Check(!valid, "Utf8.IsValid and Rune.DecodeFromUtf8 agree");
            return (false, leadCanStart ? i + used : i);
        }
        Check(valid == (i == data.Length), "Utf8.IsValid and Rune.DecodeFromUtf8 agree");
        return (valid, -1);
    }

    private static string Describe(ReadOnlySpan<byte> data, int a, int b)
    {
        int from = Math.Max(0, Math.Min(a < 0 ? data.Length : a, b < 0 ? data.Length : b) - 4);
        var window = data.Slice(from, Math.Min(12, data.Length - from));
        return $"bytes from {from}: {Convert.ToHexString(window)}";
    }
}
