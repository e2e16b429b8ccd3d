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
    public static int Apply(Span<byte> data, uint maskKey, int offset)
    {
        offset &= 3;
        if (data.IsEmpty) return offset;
        // Rotate the key so that the first byte of data lines up with key byte 0.
        uint key = BitOperations.RotateRight(maskKey, offset * 8);
        ref byte p = ref MemoryMarshal.GetReference(data);
        nuint n = (nuint)data.Length;
        nuint i = 0;

        if (Vector256.IsHardwareAccelerated && n >= (nuint)Vector256<byte>.Count)
        {
            var k = Vector256.Create(key).AsByte();
            nuint last = n - (nuint)Vector256<byte>.Count;
            for (; i <= last; i += (nuint)Vector256<byte>.Count)
                Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref p, i) ^ k, ref p, i);
        }
        if (Vector128.IsHardwareAccelerated && n - i >= (nuint)Vector128<byte>.Count)
        {
            var k = Vector128.Create(key).AsByte();
            nuint last = n - (nuint)Vector128<byte>.Count;
            for (; i <= last; i += (nuint)Vector128<byte>.Count)
                Vector128.StoreUnsafe(Vector128.LoadUnsafe(ref p, i) ^ k, ref p, i);
        }
        for (; i + 4 <= n; i += 4)
        {
            ref byte q = ref Unsafe.Add(ref p, i);
            Unsafe.WriteUnaligned(ref q, Unsafe.ReadUnaligned<uint>(ref q) ^ (BitConverter.IsLittleEndian ? key : BinaryPrimitives.ReverseEndianness(key)));
        }
        for (int j = 0; i < n; i++, j++)
            Unsafe.Add(ref p, i) ^= (byte)(key >> (j * 8));
        return (int)((offset + (long)data.Length) & 3);
    }

    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="destination"/> masked; the spans may
    /// be the same memory. Returns the key position after the last byte.
    /// </summary>
    public static int Apply(ReadOnlySpan<byte> source, Span<byte> destination, uint maskKey, int offset)
    {
        source.CopyTo(destination);
        return Apply(destination[..source.Length], maskKey, offset);
    }

    /// <summary>Reads a mask key from its four wire bytes.</summary>
    public static uint ReadKey(ReadOnlySpan<byte> wire) => BinaryPrimitives.ReadUInt32LittleEndian(wire);

    /// <summary>Writes a mask key as its four wire bytes.</summary>
    public static void WriteKey(Span<byte> wire, uint maskKey) => BinaryPrimitives.WriteUInt32LittleEndian(wire, maskKey);
}
