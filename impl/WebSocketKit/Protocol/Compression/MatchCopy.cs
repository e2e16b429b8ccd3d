using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace WebSocketKit.Protocol.Compression;

/// <summary>
/// Wide copies for the inflater's fast loop. They move whole chunks of 8 to 32 bytes, at least 32 bytes
/// for a source 16 or more bytes back, so they may read and write up to <see cref="Overshoot"/> bytes past
/// the end of the match: callers only use them where the buffers have that much room, and the bytes
/// written past the match are rewritten by the output after it. Most matches are 32 bytes or shorter, so
/// one unconditional 32-byte step covers them without a loop branch to mispredict.
/// </summary>
internal static class MatchCopy
{
    /// <summary>How far past <c>length</c> a copy may read or write.</summary>
    public const int Overshoot = 32;

    /// <summary>
    /// Repeats the <paramref name="distance"/> bytes before <paramref name="dst"/> forward for
    /// <paramref name="length"/> bytes (an LZ77 match inside one buffer, 1 &lt;= distance).
    /// Reads only bytes before the chunk being written, so overlap with the source is safe.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Within(ref byte dst, int distance, int length)
    {
        // At 16 or more back, each 16-byte chunk reads only bytes written before it is stored.
        if (distance >= 16) Disjoint(ref dst, ref Unsafe.Subtract(ref dst, distance), length);
        else Short(ref dst, distance, length);
    }

    // Distances under 16: the match repeats a pattern of `distance` bytes. Any multiple of the period is
    // also a period once the first copies exist, so after a few single bytes copy 8 at a time from
    // `step` (>= 8) bytes back.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Short(ref byte dst, int distance, int length)
    {
        int step = distance;
        while (step < 8) step += distance;
        int single = Math.Min(step - distance, length);
        for (int i = 0; i < single; i++) Unsafe.Add(ref dst, i) = Unsafe.Add(ref dst, i - distance);
        for (int k = single; k < length; k += 8)
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, k), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref dst, k - step)));
    }

    /// <summary>
    /// Copies <paramref name="length"/> bytes 16 at a time, in order: from a different buffer (the
    /// window), or from the same buffer at least 16 bytes back (<see cref="Within"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Disjoint(ref byte dst, ref byte src, int length)
    {
        Vector128.LoadUnsafe(ref src).StoreUnsafe(ref dst);
        Vector128.LoadUnsafe(ref src, 16).StoreUnsafe(ref dst, 16);
        for (nuint k = 32; k < (nuint)length; k += 16)
            Vector128.LoadUnsafe(ref src, k).StoreUnsafe(ref dst, k);
    }
}
