using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace WebSocketKit.Protocol;

/// <summary>
/// Client-to-server masking (RFC 6455 section 5.3): byte i of the payload is XORed with byte
/// (i mod 4) of the 4-byte key. Masking twice restores the data.
/// </summary>
public static class Masking
{
    /// <summary>
    /// XORs <paramref name="data"/> in place with <paramref name="maskKey"/> (the key's four wire
    /// bytes read little-endian, so key byte 0 is the low byte), starting at key position
    /// <paramref name="offset"/> (0-3). Returns the key position after the last byte, to continue
    /// a payload that arrives in pieces.
    /// </summary>
    public static int Apply(Span<byte> data, uint maskKey, int offset) => Apply(data, data, maskKey, offset);

    /// <summary>
    /// Writes <paramref name="source"/> masked into <paramref name="destination"/> in one pass (a copy
    /// and the XOR together). The spans may be the same memory, but must not otherwise overlap.
    /// Returns the key position after the last byte.
    /// </summary>
    public static int Apply(ReadOnlySpan<byte> source, Span<byte> destination, uint maskKey, int offset)
    {
        if (destination.Length < source.Length)
            throw new ArgumentException("The destination is shorter than the source.", nameof(destination));
        offset &= 3;
        if (source.IsEmpty) return offset;
        // Rotate the key so that the first byte of data lines up with key byte 0.
        uint key = BitOperations.RotateRight(maskKey, offset * 8);
        ref byte src = ref MemoryMarshal.GetReference(source);
        ref byte dst = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)source.Length;
        nuint i = 0;

        // Every vector width is a multiple of 4, so the key stays lined up from one loop to the next.
        // Each vector is loaded before it is stored, so in-place masking is safe.
        if (Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<byte>.Count)
        {
            var k = Vector512.Create(key).AsByte();
            nuint last = n - (nuint)Vector512<byte>.Count;
            for (; i <= last; i += (nuint)Vector512<byte>.Count)
                Vector512.StoreUnsafe(Vector512.LoadUnsafe(ref src, i) ^ k, ref dst, i);
        }
        if (Vector256.IsHardwareAccelerated && n - i >= (nuint)Vector256<byte>.Count)
        {
            var k = Vector256.Create(key).AsByte();
            nuint last = n - (nuint)Vector256<byte>.Count;
            for (; i <= last; i += (nuint)Vector256<byte>.Count)
                Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref src, i) ^ k, ref dst, i);
        }
        if (Vector128.IsHardwareAccelerated && n - i >= (nuint)Vector128<byte>.Count)
        {
            var k = Vector128.Create(key).AsByte();
            nuint last = n - (nuint)Vector128<byte>.Count;
            for (; i <= last; i += (nuint)Vector128<byte>.Count)
                Vector128.StoreUnsafe(Vector128.LoadUnsafe(ref src, i) ^ k, ref dst, i);
        }
        uint word = BitConverter.IsLittleEndian ? key : BinaryPrimitives.ReverseEndianness(key);
        for (; i + 4 <= n; i += 4)
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, i), Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref src, i)) ^ word);
        for (int j = 0; i < n; i++, j++)
            Unsafe.Add(ref dst, i) = (byte)(Unsafe.Add(ref src, i) ^ (byte)(key >> (j * 8)));
        return (int)((offset + (long)source.Length) & 3);
    }

    /// <summary>Reads a mask key from its four wire bytes.</summary>
    public static uint ReadKey(ReadOnlySpan<byte> wire) => BinaryPrimitives.ReadUInt32LittleEndian(wire);

    /// <summary>Writes a mask key as its four wire bytes.</summary>
    public static void WriteKey(Span<byte> wire, uint maskKey) => BinaryPrimitives.WriteUInt32LittleEndian(wire, maskKey);
}
