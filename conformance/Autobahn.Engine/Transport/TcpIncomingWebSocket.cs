using System.Net.Sockets;
using Autobahn.Engine.Wire;

namespace Autobahn.Engine.Transport;

/// <summary>An HTTP/1.1 upgrade read from a TCP connection by <see cref="ServerHandshake"/>.</summary>
public sealed class TcpIncomingWebSocket(Socket socket, ServerHandshake handshake, byte[] early) : IncomingWebSocket
{
    public override string Path => handshake.Path;

    public override IReadOnlyDictionary<string, string> Query => handshake.Query;

    public override string? Extensions => handshake.Headers.GetValueOrDefault("Sec-WebSocket-Extensions");

    public override string Request => handshake.Request;

    public override string? Response => handshake.Response;

    public override async Task<(CaseConnection Connection, byte[] Early)> AcceptAsync(string serverName, string? extensions, WireLog log)
    {
        var accept = handshake.Accept(serverName, extensions);
        log.TxOctetsSent(accept, false);
        await socket.SendAsync(accept, SocketFlags.None).ConfigureAwait(false);
        return (new TcpCaseConnection(socket), early);
    }

    public override async Task RejectAsync(string reason)
    {
        try { await socket.SendAsync(ServerHandshake.Reject(reason), SocketFlags.None).ConfigureAwait(false); }
        catch (SocketException) { }
        socket.Dispose();
    }
}
