using System.Text;
using WebSocketKit.Protocol;

namespace WebSocketKit;

/// <summary>
/// gorilla's close helpers: <c>FormatCloseMessage</c>, <c>IsCloseError</c> and
/// <c>IsUnexpectedCloseError</c>. They look through <see cref="ConnectionClosedException"/> to the
/// first failure, so they give the same answer on the first and on every later call.
/// </summary>
public static class CloseMessages
{
    /// <summary>
    /// The payload of a Close frame with <paramref name="code"/> and <paramref name="text"/>. For
    /// 1005 (no status) the payload is empty, as the RFC says a frame carrying no code means. A
    /// reason longer than 123 UTF-8 bytes is cut at a character boundary.
    /// </summary>
    public static byte[] Format(int code, string text = "")
    {
        if (code == CloseStatus.NoStatusReceived) return [];
        if (code is < 0 or > ushort.MaxValue) throw new ArgumentOutOfRangeException(nameof(code));
        return ClosePayload.Format((ushort)code, text);
    }

    /// <summary>The <see cref="CloseException"/> behind <paramref name="error"/>, if any.</summary>
    public static CloseException? AsClose(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
            if (e is CloseException c) return c;
        return null;
    }

    /// <summary>True when <paramref name="error"/> is a close with one of <paramref name="codes"/>.</summary>
    public static bool IsCloseError(Exception? error, params ReadOnlySpan<int> codes)
    {
        var c = AsClose(error);
        return c is not null && codes.Contains(c.Code);
    }

    /// <summary>
    /// True when <paramref name="error"/> is a close whose code is NOT one of
    /// <paramref name="expectedCodes"/>: typical use is logging every close except 1000 and 1001.
    /// </summary>
    public static bool IsUnexpectedCloseError(Exception? error, params ReadOnlySpan<int> expectedCodes)
    {
        var c = AsClose(error);
        return c is not null && !expectedCodes.Contains(c.Code);
    }

    internal static string DecodeReason(ReadOnlySpan<byte> reason) => Encoding.UTF8.GetString(reason);
}
