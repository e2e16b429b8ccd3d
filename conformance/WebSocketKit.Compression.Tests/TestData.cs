using System.Text;

namespace WebSocketKit.Compression.Tests;

/// <summary>Deterministic inputs of the shapes messages have: text, JSON, random bytes, long runs.</summary>
internal static class TestData
{
    public static byte[] Text(int size, int seed = 1)
    {
        var rnd = new Random(seed);
        string[] words = ["the", "websocket", "frame", "deflate", "window", "message", "of", "and", "a", "compression", "peer", "server", "client"];
        var sb = new StringBuilder();
        while (sb.Length < size) sb.Append(words[rnd.Next(words.Length)]).Append(rnd.Next(12) == 0 ? ".\n" : " ");
        return Encoding.UTF8.GetBytes(sb.ToString(0, size));
    }

    public static byte[] Json(int size, int seed = 2)
    {
        var rnd = new Random(seed);
        var sb = new StringBuilder("[");
        while (sb.Length < size)
            sb.Append($"{{\"id\":{rnd.Next(100000)},\"name\":\"user{rnd.Next(1000)}\",\"active\":{(rnd.Next(2) == 0 ? "true" : "false")},\"score\":{rnd.NextDouble():F4}}},");
        return Encoding.UTF8.GetBytes(sb.ToString(0, size));
    }

    public static byte[] Random(int size, int seed = 3)
    {
        var b = new byte[size];
        new Random(seed).NextBytes(b);
        return b;
    }
}
