using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace WebSocketKit;

/// <summary>
/// Mask keys for client frames. RFC 6455 section 10.3 asks for keys an attacker cannot predict,
/// so they come from the cryptographic generator; a call to it per frame is costly, so keys are
/// drawn 256 at a time into a per-thread batch (no per-connection memory).
/// </summary>
internal static class MaskKeys
{
    private const int Batch = 256;

    [ThreadStatic] private static uint[]? t_keys;
    [ThreadStatic] private static int t_next;

    public static uint Next()
    {
        var keys = t_keys;
        if (keys is null || t_next == Batch)
        {
            keys ??= t_keys = new uint[Batch];
            RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(keys.AsSpan()));
            t_next = 0;
        }
        return keys[t_next++];
    }
}
