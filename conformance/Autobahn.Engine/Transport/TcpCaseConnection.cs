using System.Net.Sockets;

namespace Autobahn.Engine.Transport;

/// <summary>A WebSocket over HTTP/1.1: the case owns the TCP connection, ends it with FIN, drops it with RST.</summary>
public sealed class TcpCaseConnection(Socket socket) : CaseConnection
{
    public override string Transport => WebSocketTransports.Http11;

    public override ValueTask<int> ReceiveAsync(Memory<byte> buffer) => socket.ReceiveAsync(buffer, SocketFlags.None);

    public override async ValueTask SendAsync(ArraySegment<byte> data) => await socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false);

    public override async ValueTask SendAsync(IList<ArraySegment<byte>> batch) => await socket.SendAsync(batch, SocketFlags.None).ConfigureAwait(false);

    public override ValueTask EndSendingAsync(bool abort)
    {
        // A zero linger turns the close into a reset: the official suite's "drop" of a connection it gave up on.
        if (abort) socket.LingerState = new LingerOption(true, 0);
        socket.Shutdown(SocketShutdown.Send);
        if (abort) socket.Close();
        return ValueTask.CompletedTask;
    }

    public override bool HasUnread => socket.Available > 0;

    public override void Dispose() => socket.Dispose();
}
