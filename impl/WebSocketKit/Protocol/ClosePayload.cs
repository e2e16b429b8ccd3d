using System.Buffers.Binary;
using System.Text;

namespace WebSocketKit.Protocol;

/// <summary>
/// The body of a Close frame (RFC 6455 section 5.5.1): empty, or a 2-byte big-endian status
/// code followed by a UTF-8 reason. Control frames carry at most 125 bytes, so the reason is
/// at most 123 bytes.
/// </summary>
public static class ClosePayload
{
    /// <summary>The longest reason, in UTF-8 bytes, that fits a control frame after the code.</summary>
    public const int MaxReasonBytes = 123;

    /// <summary>
    /// Checks a received close payload and extracts its code and reason bytes. An empty payload
    /// is valid and yields <see cref="CloseStatus.NoStatusReceived"/>.
    /// </summary>
    public static ProtocolError Parse(ReadOnlySpan<byte> payload, out ushort code, out ReadOnlySpan<byte> reason)
    {
        reason = default;
        if (payload.Length == 0)
        {
            code = CloseStatus.NoStatusReceived;
            return ProtocolError.None;
        }
        code = 0;
        if (payload.Length == 1)
            return ProtocolError.ClosePayloadTooShort;
        code = BinaryPrimitives.ReadUInt16BigEndian(payload);
        if (!CloseStatus.IsValidOnWire(code))
            return ProtocolError.InvalidCloseCode;
        reason = payload[2..];
        if (!Utf8Validator.IsValid(reason))
            return ProtocolError.InvalidUtf8;
        return ProtocolError.None;
    }

    /// <summary>
    /// Writes a close payload with <paramref name="code"/> and <paramref name="reason"/> into
    /// <paramref name="destination"/> (at least 125 bytes) and returns its length. A reason longer
    /// than 123 UTF-8 bytes is cut at a character boundary rather than rejected, because a close
    /// must still go out. Throws for a code that may not be sent.
    /// </summary>
    public static int Write(Span<byte> destination, ushort code, ReadOnlySpan<char> reason)
    {
        if (!CloseStatus.IsValidOnWire(code))
            throw new ArgumentOutOfRangeException(nameof(code), code, "This close code may not be sent on the wire (RFC 6455 section 7.4).");
        BinaryPrimitives.WriteUInt16BigEndian(destination, code);
        var reasonDest = destination.Slice(2, Math.Min(MaxReasonBytes, destination.Length - 2));
        // Encode as many whole characters as fit; Encoder.Convert never splits a surrogate pair.
        var encoder = Encoding.UTF8.GetEncoder();
        encoder.Convert(reason, reasonDest, flush: true, out _, out int bytesUsed, out _);
        return 2 + bytesUsed;
    }

    /// <summary>Builds a close payload as a new array; see <see cref="Write"/>.</summary>
    public static byte[] Format(ushort code, string reason = "")
    {
        Span<byte> buffer = stackalloc byte[125];
        int n = Write(buffer, code, reason);
        return buffer[..n].ToArray();
    }
}
