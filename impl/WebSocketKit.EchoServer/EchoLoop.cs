using Microsoft.Extensions.Logging;
using WebSocketKit.Protocol;

namespace WebSocketKit.EchoServer;

/// <summary>What both echo hosts (the stream <see cref="EchoServer"/> and <see cref="KestrelEchoHost"/>) do with a connection.</summary>
public static class EchoLoop
{
    /// <summary>
    /// Reads a whole message into a pooled buffer, writes it back, gives the buffer back, so an
    /// idle connection holds no message memory. Ends when the peer closes or fails. The connection
    /// is in <paramref name="registry"/> meanwhile; during a shutdown it is closed with 1001 instead.
    /// </summary>
    public static async Task RunAsync(Conn conn, ConnectionRegistry registry, ILogger logger, CancellationToken cancellationToken)
    {
        if (!registry.TryAdd(conn))
        {
            await conn.CloseAsync(CloseStatus.GoingAway, "server shutting down", cancellationToken).ConfigureAwait(false);
            return;
        }
        var buffer = new ArrayPoolBufferWriter();
        try
        {
            while (true)
            {
                var type = await conn.ReadMessageAsync(buffer, cancellationToken).ConfigureAwait(false);
                // Deferred: while more requests are already here, the answers leave together (Conn sends them before it waits for input).
                await conn.WriteMessageDeferredAsync(type, buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                buffer.Clear();
            }
        }
        catch (Exception e)
        {
            if (CloseMessages.IsUnexpectedCloseError(e, 1000, 1001, 1005) || e is not (CloseException or ConnectionClosedException))
                logger.LogDebug("connection {Peer} ended: {Message}", conn.RemoteEndPoint, e.Message);
        }
        finally
        {
            registry.Remove(conn);
            buffer.Dispose();
        }
    }
}
