using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Autobahn.Engine.Transport;

/// <summary>
/// A WebSocket over HTTP/2 from the server's side: the stream Kestrel opened for an accepted extended CONNECT.
/// Reading returns 0 at the client's END_STREAM; our orderly end completes the response (END_STREAM), our abort
/// resets the stream (RST_STREAM with CANCEL), as RFC 8441 section 5 maps a TCP close and a TCP reset.
/// </summary>
public sealed class Http2ServerConnection(HttpContext context, Stream stream) : Http2StreamConnection(stream)
{
    private const int Cancel = 0x8;
    private volatile bool _clientEnded;

    public override string Transport => context.Request.IsHttps ? WebSocketTransports.H2 : WebSocketTransports.H2c;

    public override async ValueTask<int> ReceiveAsync(Memory<byte> buffer)
    {
        try
        {
            int n = await Stream.ReadAsync(buffer).ConfigureAwait(false);
            if (n == 0) _clientEnded = true;
            return n;
        }
        catch (ConnectionAbortedException e)
        {
            _clientEnded = true;
            throw new IOException(e.Message, e);
        }
        catch (IOException)
        {
            _clientEnded = true;
            throw;
        }
    }

    public override async ValueTask EndSendingAsync(bool abort)
    {
        if (abort && context.Features.Get<IHttpResetFeature>() is { } reset) reset.Reset(Cancel);
        else if (abort) context.Abort();
        else await context.Response.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>Kestrel does not say what has arrived unread; the deadlines then wait for nothing extra.</summary>
    public override bool HasUnread => false;

    /// <summary>
    /// Once the client has ended its side the request delegate's return closes the stream; before that, a read may
    /// still be waiting, and only a reset ends it.
    /// </summary>
    public override void Dispose()
    {
        if (!_clientEnded) context.Abort();
    }
}
