using System.Buffers;
using System.Text.Unicode;

namespace WebSocketKit.Protocol;

/// <summary>
/// Streaming UTF-8 validator (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
/// Feed it a message's payload in whatever pieces arrive, across frame and fragment boundaries;
/// it keeps the partial character between calls and reports an invalid sequence at the first
/// byte that can no longer start or continue a valid one ("fail fast"), not at the end of the
/// message. Call <see cref="IsComplete"/> at the end of the message: a message that stops in the
/// middle of a character is invalid too.
/// </summary>
public struct Utf8Validator
{
    // Continuation bytes still expected for the current character, and the range the next one
    // must fall in. The first continuation byte has a narrower range after E0, ED, F0 and F4:
    // that is what rules out overlongs, surrogates and code points above U+10FFFF.
    private byte _needed;
    private byte _lower;
    private byte _upper;

    /// <summary>True when no character is left half-read: the message may end here.</summary>
    public readonly bool IsComplete => _needed == 0;

    /// <summary>Forgets any partial character, ready for a new message.</summary>
    public void Reset() => this = default;

    /// <summary>True when <paramref name="data"/> is, on its own, complete and valid UTF-8.</summary>
    public static bool IsValid(ReadOnlySpan<byte> data) => Utf8.IsValid(data);

    /// <summary>
    /// Validates the next piece of the message. Returns false at the first impossible byte;
    /// <paramref name="invalidAt"/> is then its index in <paramref name="data"/> (else -1).
    /// After a failure the validator must be <see cref="Reset"/> before reuse.
    /// </summary>
    public bool Append(ReadOnlySpan<byte> data, out int invalidAt)
    {
        invalidAt = -1;
        int start = 0;
        if (_needed != 0)
        {
            // Finish the character left open by the previous piece.
            while (_needed != 0)
            {
                if (start == data.Length) return true;
                if (!Step(data[start])) { invalidAt = start; return false; }
                start++;
            }
        }
        var rest = data[start..];
        // Whole characters go through the BCL's vectorised check; only a character cut by the
        // end of this piece (at most 3 bytes) is walked by hand.
        int cut = StartOfTrailingPartial(rest);
        if (Utf8.IsValid(rest[..cut]))
        {
            for (int i = cut; i < rest.Length; i++)
            {
                if (!Step(rest[i])) { invalidAt = start + i; return false; }
            }
            return true;
        }
        // Everything before the faulty sequence is whole characters; walk from there by hand to
        // find the exact byte that cannot belong.
        for (int i = StartOfInvalidSequence(rest[..cut]); i < rest.Length; i++)
        {
            if (!Step(rest[i])) { invalidAt = start + i; return false; }
        }
        return true; // unreachable in practice: the walk finds what IsValid found
    }

    // Where the first invalid sequence of `s` begins, found with the BCL's vectorised transcoder
    // (IsValid only says yes or no) rather than a byte-by-byte walk over the whole piece.
    private static int StartOfInvalidSequence(ReadOnlySpan<byte> s)
    {
        Span<char> scratch = stackalloc char[512];
        int offset = 0;
        while (true)
        {
            var status = Utf8.ToUtf16(s[offset..], scratch, out int read, out _, replaceInvalidSequences: false);
            offset += read;
            if (status != OperationStatus.DestinationTooSmall) return offset;
        }
    }

    /// <summary>Validates the next piece; false on the first impossible byte.</summary>
    public bool Append(ReadOnlySpan<byte> data) => Append(data, out _);

    // Index where a multi-byte character that runs past the end of the span begins, or the
    // length of the span when the span ends on a character boundary.
    private static int StartOfTrailingPartial(ReadOnlySpan<byte> s)
    {
        int n = s.Length;
        for (int back = 1; back <= 3 && back <= n; back++)
        {
            byte b = s[n - back];
            if ((b & 0xC0) == 0x80) continue; // continuation byte: keep looking for its lead
            int len = b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
            return len > back ? n - back : n;
        }
        return n;
    }

    private bool Step(byte b)
    {
        if (_needed == 0)
        {
            if (b < 0x80) return true;
            switch (b)
            {
                case >= 0xC2 and <= 0xDF: Expect(1, 0x80, 0xBF); return true;
                case 0xE0: Expect(2, 0xA0, 0xBF); return true;
                case 0xED: Expect(2, 0x80, 0x9F); return true;
                case >= 0xE1 and <= 0xEF: Expect(2, 0x80, 0xBF); return true;
                case 0xF0: Expect(3, 0x90, 0xBF); return true;
                case >= 0xF1 and <= 0xF3: Expect(3, 0x80, 0xBF); return true;
                case 0xF4: Expect(3, 0x80, 0x8F); return true;
                default: return false; // 80-C1 cannot start a character, F5-FF never appear
            }
        }
        if (b < _lower || b > _upper) return false;
        _needed--;
        _lower = 0x80;
        _upper = 0xBF;
        return true;
    }

    private void Expect(byte needed, byte lower, byte upper)
    {
        _needed = needed;
        _lower = lower;
        _upper = upper;
    }
}
