using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Autobahn.Engine.Wire;

/// <summary>The server side of the opening handshake: read the client's upgrade request, answer 101 (or 400).</summary>
public sealed class ServerHandshake
{
    internal const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    public string Request { get; private set; } = "";
    public string Path { get; private set; } = "/";
    public Dictionary<string, string> Query { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);
    public string? Response { get; private set; }

    public static string AcceptFor(string key) => Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + Guid)));

    /// <summary>Reads the request; returns octets that followed it. Throws <see cref="InvalidDataException"/> for a request that is not an upgrade.</summary>
    public async Task<byte[]> ReadRequestAsync(Socket socket, WireLog log, CancellationToken ct)
    {
        (Request, var rest) = await HttpHead.ReadAsync(socket, log, ct);
        Parse();
        return rest;
    }

    private void Parse()
    {
        var lines = Request.Split("\r\n");
        var first = lines[0].Split(' ');
        if (first.Length != 3 || first[0] != "GET") throw new InvalidDataException($"not a GET request: '{lines[0]}'");
        var target = first[1];
        int q = target.IndexOf('?');
        Path = q < 0 ? target : target[..q];
        if (q >= 0)
            foreach (var pair in target[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = pair.Split('=', 2);
                Query[Uri.UnescapeDataString(kv[0])] = kv.Length == 2 ? Uri.UnescapeDataString(kv[1].Replace('+', ' ')) : "";
            }
        foreach (var line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            if (colon <= 0) continue;
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            Headers[name] = Headers.TryGetValue(name, out var prior) ? prior + ", " + value : value;
        }
        if (!Headers.TryGetValue("Sec-WebSocket-Key", out var key) || key.Length == 0) throw new InvalidDataException("no Sec-WebSocket-Key");
        if (!Headers.GetValueOrDefault("Upgrade", "").Contains("websocket", StringComparison.OrdinalIgnoreCase)) throw new InvalidDataException("no Upgrade: websocket");
        if (Headers.GetValueOrDefault("Sec-WebSocket-Version") != "13") throw new InvalidDataException("Sec-WebSocket-Version is not 13");
    }

    public byte[] Accept(string serverName, string? extensions)
    {
        var sb = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n");
        sb.Append($"Server: {serverName}\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n");
        sb.Append($"Sec-WebSocket-Accept: {AcceptFor(Headers["Sec-WebSocket-Key"])}\r\n");
        if (extensions is not null) sb.Append($"Sec-WebSocket-Extensions: {extensions}\r\n");
        sb.Append("\r\n");
        Response = sb.ToString();
        return Encoding.ASCII.GetBytes(Response);
    }

    public static byte[] Reject(string reason) =>
        Encoding.ASCII.GetBytes($"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: {Encoding.ASCII.GetByteCount(reason)}\r\n\r\n{reason}");
}
