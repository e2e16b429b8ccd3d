using System.Net.Sockets;
using System.Text;

namespace Autobahn.Engine.Wire;

/// <summary>Reads an HTTP head (request or response) up to its blank line, for both sides of the opening handshake.</summary>
public static class HttpHead
{
    /// <summary>Returns the head (with its final blank line) and the octets that came after it.</summary>
    /// <exception cref="InvalidDataException">The peer closed first, or the head is over 16 KiB.</exception>
    public static async Task<(string Head, byte[] After)> ReadAsync(Socket socket, WireLog log, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        int count = 0;
        while (true)
        {
            if (count == buffer.Length) throw new InvalidDataException("opening handshake head is over 16 KiB");
            int n = await socket.ReceiveAsync(buffer.AsMemory(count), SocketFlags.None, ct);
            if (n == 0) throw new InvalidDataException("peer closed the connection during the opening handshake");
            log.RxOctetsReceived(buffer.AsSpan(count, n));
            count += n;
            int end = buffer.AsSpan(0, count).IndexOf("\r\n\r\n"u8);
            if (end >= 0) return (Encoding.Latin1.GetString(buffer, 0, end + 4), buffer[(end + 4)..count]);
        }
    }
}
