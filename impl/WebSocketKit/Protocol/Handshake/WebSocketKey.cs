using System.Security.Cryptography;
using System.Text;

namespace WebSocketKit.Protocol.Handshake;

/// <summary>
/// The Sec-WebSocket-Key / Sec-WebSocket-Accept pair (RFC 6455 sections 4.1 and 4.2.2). The client
/// sends 16 random bytes in Base64; the server proves it understood the WebSocket handshake (and
/// is not a confused HTTP cache) by returning Base64(SHA-1(key + the fixed GUID below)).
/// </summary>
public static class WebSocketKey
{
    /// <summary>The GUID that RFC 6455 appends to the key before hashing.</summary>
    public const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>True when <paramref name="key"/> is Base64 for exactly 16 bytes (24 characters).</summary>
    public static bool IsValid(string? key)
    {
        if (key is null || key.Length != 24) return false;
        Span<byte> raw = stackalloc byte[18];
        return Convert.TryFromBase64String(key, raw, out int n) && n == 16;
    }

    /// <summary>The Sec-WebSocket-Accept value for <paramref name="key"/>.</summary>
    public static string ComputeAccept(string key)
    {
        Span<byte> input = stackalloc byte[128];
        int n = Encoding.ASCII.GetBytes(key.AsSpan(0, Math.Min(key.Length, 64)), input);
        n += Encoding.ASCII.GetBytes(Guid, input[n..]);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(input[..n], hash);
        return Convert.ToBase64String(hash);
    }

    /// <summary>A fresh client key: 16 bytes from the cryptographic generator, in Base64.</summary>
    public static string NewKey()
    {
        Span<byte> raw = stackalloc byte[16];
        RandomNumberGenerator.Fill(raw);
        return Convert.ToBase64String(raw);
    }
}
