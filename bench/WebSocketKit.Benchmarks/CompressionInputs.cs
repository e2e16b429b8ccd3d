using System.Text;

namespace WebSocketKit.Benchmarks;

/// <summary>Deterministic message bodies for the compression benchmarks: English-like text, JSON, random bytes.</summary>
internal static class CompressionInputs
{
    public static byte[] Text(Random rnd, int size)
    {
        string[] words = ["the", "websocket", "frame", "deflate", "window", "message", "of", "and", "a", "compression", "peer", "server", "client", "is", "sent"];
        var sb = new StringBuilder();
        while (sb.Length < size) sb.Append(words[rnd.Next(words.Length)]).Append(rnd.Next(12) == 0 ? ".\n" : " ");
        return Encoding.UTF8.GetBytes(sb.ToString(0, size));
    }

    public static byte[] Json(Random rnd, int size)
    {
        var sb = new StringBuilder("[");
        while (sb.Length < size)
            sb.Append($"{{\"id\":{rnd.Next(100000)},\"name\":\"user{rnd.Next(1000)}\",\"active\":{(rnd.Next(2) == 0 ? "true" : "false")},\"score\":{rnd.NextDouble():F4}}},");
        return Encoding.UTF8.GetBytes(sb.ToString(0, size));
    }

    public static byte[] Random(Random rnd, int size)
    {
        var b = new byte[size];
        rnd.NextBytes(b);
        return b;
    }
}
