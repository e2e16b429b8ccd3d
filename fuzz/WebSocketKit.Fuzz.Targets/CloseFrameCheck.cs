using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;
using WebSocketKit.Protocol;
using static WebSocketKit.Fuzz.Targets.FuzzFindingException;

namespace WebSocketKit.Fuzz.Targets;

/// <summary>
/// What the frame target checks on the body of every whole Close frame it decodes:
/// <see cref="ClosePayload.Parse"/> must give the verdict of RFC 6455 sections 5.5.1 and 7.4, and a
/// body it accepts must be written back byte for byte by <see cref="ClosePayload.Format"/>.
/// </summary>
internal static class CloseFrameCheck
{
    /// <summary>The verdict on a received close body, read from the RFC and the IANA registry.</summary>
    public static ProtocolError Expected(ReadOnlySpan<byte> body)
    {
        if (body.Length == 0) return ProtocolError.None;
        if (body.Length == 1) return ProtocolError.ClosePayloadTooShort;
        int code = BinaryPrimitives.ReadUInt16BigEndian(body);
        // Sendable: 1000-1003 and 1007-1014 (1004-1006 and 1015 are reserved, 1016-2999 unassigned),
        // 3000-3999 registered, 4000-4999 private use.
        bool sendable = code is (>= 1000 and <= 1003) or (>= 1007 and <= 1014) or (>= 3000 and <= 4999);
        if (!sendable) return ProtocolError.InvalidCloseCode;
        return Utf8.IsValid(body[2..]) ? ProtocolError.None : ProtocolError.InvalidUtf8;
    }

    public static void Verify(ReadOnlySpan<byte> body)
    {
        var error = ClosePayload.Parse(body, out ushort code, out var reason);
        var expected = Expected(body);
        Check(error == expected, $"close body {Convert.ToHexString(body)}: Parse says {error}, expected {expected}");
        ushort closeWith = ProtocolErrors.CloseCode(error);
        Check(closeWith == (error switch
        {
            ProtocolError.None => CloseStatus.NormalClosure,
            ProtocolError.InvalidUtf8 => CloseStatus.InvalidPayloadData,
            _ => CloseStatus.ProtocolError,
        }), $"{error} in a close body answers with close code {closeWith}");
        Check(ProtocolErrors.Describe(error).Length > 0, "every error has a description");
        if (error != ProtocolError.None) return;
        if (body.Length == 0)
        {
            Check(code == CloseStatus.NoStatusReceived && reason.IsEmpty, "an empty close body reads as 1005 without reason");
            return;
        }
        Check(code == BinaryPrimitives.ReadUInt16BigEndian(body) && reason.SequenceEqual(body[2..]), "Parse returns the code and reason on the wire");
        var again = ClosePayload.Format(code, Encoding.UTF8.GetString(reason));
        Check(again.AsSpan().SequenceEqual(body), $"Format writes {Convert.ToHexString(again)} for the close body {Convert.ToHexString(body)}");
    }
}
