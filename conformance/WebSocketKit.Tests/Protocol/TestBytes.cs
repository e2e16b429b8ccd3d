namespace WebSocketKit.Tests.Protocol;

/// <summary>Byte arrays for tests: hex in and out (so FsCheck counterexamples can be read), and seeded noise.</summary>
public static class Hex
{
    public static string Of(ReadOnlySpan<byte> bytes, int max = 48)
        => bytes.Length <= max ? Convert.ToHexString(bytes) : Convert.ToHexString(bytes[..max]) + $"...({bytes.Length} bytes)";

    public static byte[] Parse(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    /// <summary><paramref name="length"/> random bytes, the same for the same seed.</summary>
    public static byte[] Random(int seed, int length)
    {
        var bytes = new byte[length];
        new System.Random(seed).NextBytes(bytes);
        return bytes;
    }
}
