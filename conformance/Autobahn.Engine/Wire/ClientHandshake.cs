using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Autobahn.Engine.Wire;

/// <summary>The HTTP upgrade a fuzzing client sends, and the check of the server's answer (RFC 6455 section 4.1).</summary>
public sealed class ClientHandshake
{
    private readonly string _key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    public string Request { get; }
    public string? Response { get; private set; }
    public Dictionary<string, string> ResponseHeaders { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ClientHandshake(Uri url, string userAgent, string? extensions)
    {
        var sb = new StringBuilder();
        sb.Append($"GET {url.PathAndQuery} HTTP/1.1\r\n");
        sb.Append($"User-Agent: {userAgent}\r\n");
        sb.Append($"Host: {url.Host}:{url.Port}\r\n");
        sb.Append("Upgrade: WebSocket\r\nConnection: Upgrade\r\nPragma: no-cache\r\nCache-Control: no-cache\r\n");
        sb.Append($"Sec-WebSocket-Key: {_key}\r\n");
        if (extensions is not null) sb.Append($"Sec-WebSocket-Extensions: {extensions}\r\n");
        sb.Append("Sec-WebSocket-Version: 13\r\n\r\n");
        Request = sb.ToString();
    }

    /// <summary>Reads the answer up to the blank line; returns octets that came after it (early frames), or throws with the reason.</summary>
    public async Task<byte[]> ReadResponseAsync(Socket socket, WireLog log, CancellationToken ct)
    {
        (Response, var rest) = await HttpHead.ReadAsync(socket, log, ct);
        Check();
        return rest;
    }

    private void Check()
    {
        var lines = Response!.Split("\r\n");
        var status = lines[0].Split(' ', 3);
        if (status.Length < 2 || status[1] != "101") throw new InvalidDataException($"server answered '{lines[0]}' instead of 101");
        foreach (var line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            if (colon > 0) ResponseHeaders[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        if (ResponseHeaders.GetValueOrDefault("Sec-WebSocket-Accept") != ServerHandshake.AcceptFor(_key))
            throw new InvalidDataException("Sec-WebSocket-Accept does not match the key we sent");
    }
}
