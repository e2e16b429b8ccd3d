using System.Net;
using System.Net.WebSockets;
using Autobahn.Engine.Transport;

namespace Autobahn.Runner;

/// <summary>
/// How the runner's ClientWebSockets (the suite's control requests, and .NET's client under test) reach the
/// built-in engine: over HTTP/1.1, or over HTTP/2 (extended CONNECT, RFC 8441) in cleartext with prior knowledge
/// (h2c, ws:// URLs) or over TLS (h2, wss:// URLs, the engine's self-signed certificate accepted: it is our own
/// harness on the loopback). Over HTTP/2 the WebSockets share one handler, so they are streams of one HTTP/2
/// connection (more when its stream limit is reached) that outlives each of them, as RFC 8441 intends: a WebSocket's
/// end is its stream's, and the TCP connection goes only when this is disposed.
/// </summary>
public sealed class ClientWebSocketTransport(string transport) : IDisposable
{
    private readonly Lazy<HttpMessageInvoker> _http2 = new(() =>
    {
        var handler = new SocketsHttpHandler { UseProxy = false, EnableMultipleHttp2Connections = true };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        return new HttpMessageInvoker(handler);
    });

    public async Task ConnectAsync(ClientWebSocket ws, Uri uri, CancellationToken ct)
    {
        if (!WebSocketTransports.IsHttp2(transport))
        {
            await ws.ConnectAsync(uri, ct).ConfigureAwait(false);
            return;
        }
        ws.Options.HttpVersion = HttpVersion.Version20;
        ws.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        await ws.ConnectAsync(uri, _http2.Value, ct).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (_http2.IsValueCreated) _http2.Value.Dispose();
    }
}
