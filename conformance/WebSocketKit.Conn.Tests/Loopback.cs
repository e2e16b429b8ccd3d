using System.Net;
using System.Net.Sockets;
using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Handshake;

namespace WebSocketKit.ConnTests;

/// <summary>
/// Real TCP on 127.0.0.1: a listener that upgrades each accepted socket with an Upgrader and hands
/// the server Conn to the test, and a minimal client that performs the opening handshake with the
/// Sans-IO ClientHandshake and wraps the socket in a client-role Conn.
/// </summary>
internal static class Loopback
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    public static TcpListener Listen()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start(4096);
        return l;
    }

    public static int Port(this TcpListener l) => ((IPEndPoint)l.LocalEndpoint).Port;

    /// <summary>Accepts one connection and upgrades it.</summary>
    public static async Task<Conn> AcceptAsync(TcpListener listener, Upgrader? upgrader = null)
    {
        var socket = await listener.AcceptSocketAsync().WaitAsync(Bound);
        var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            return await (upgrader ?? new Upgrader()).UpgradeAsync(stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Connects, sends the upgrade request, checks the 101, and returns a client Conn.</summary>
    public static async Task<Conn> DialAsync(int port, IReadOnlyList<string>? subprotocols = null, ConnectionOptions? options = null)
    {
        var client = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Bound);
        var stream = client.GetStream();
        string key = WebSocketKey.NewKey();
        await stream.WriteAsync(ClientHandshake.BuildRequest($"127.0.0.1:{port}", "/", key, subprotocols));
        var (head, rest) = await ReadResponseAsync(stream);
        var verdict = ClientHandshake.ValidateResponse(head, key, subprotocols);
        if (!verdict.Accepted) throw new HandshakeException(head.StatusCode, verdict.Error!);
        return new Conn(stream, Role.Client, options, verdict.Subprotocol, rest);
    }

    /// <summary>Reads one HTTP response head; returns it and any bytes after it.</summary>
    public static async Task<(HttpResponseHead Head, byte[] After)> ReadResponseAsync(Stream stream)
    {
        // Start small: a socket's cached receive arguments keep the last buffer they were given
        // alive, which would charge every idle test client for a large handshake buffer.
        var buf = new byte[512];
        int filled = 0;
        while (true)
        {
            var status = HttpHeadParser.ParseResponse(buf.AsSpan(0, filled), HttpParseLimits.Default, out var head, out int consumed, out var error);
            if (status == HttpParseStatus.Complete) return (head!, buf[consumed..filled]);
            if (status == HttpParseStatus.Invalid) throw new InvalidDataException(error.ToString());
            if (filled == buf.Length) Array.Resize(ref buf, buf.Length * 2);
            int n = await stream.ReadAsync(buf.AsMemory(filled)).AsTask().WaitAsync(Bound);
            if (n == 0) throw new EndOfStreamException("response ended early");
            filled += n;
        }
    }

    /// <summary>A connected pair: our server Conn and our client Conn.</summary>
    public static async Task<(Conn Server, Conn Client)> PairAsync(Upgrader? upgrader = null, ConnectionOptions? clientOptions = null)
    {
        using var listener = Listen();
        var accept = AcceptAsync(listener, upgrader);
        var client = await DialAsync(listener.Port(), options: clientOptions);
        return (await accept, client);
    }
}
