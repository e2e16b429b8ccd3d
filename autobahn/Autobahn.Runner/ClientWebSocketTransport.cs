using System.Net;
using System.Net.WebSockets;
using Autobahn.Engine.Transport;

namespace Autobahn.Runner;

/// <summary>
/// How the runner's ClientWebSockets (the suite's control requests, and .NET's client under test) reach the
/// built-in engine: over HTTP/1.1, or over HTTP/2 (extended CONNECT, RFC 8441) in cleartext with prior knowledge
/// (h2c, ws:// URLs) or over TLS (h2, wss:// URLs, the engine's self-signed certificate accepted: it is our own
/// harness on the loopback).
/// </summary>
public static class ClientWebSocketTransport
{
    /// <summary>
    /// Connects <paramref name="ws"/>; disposing what it returns disposes the socket, and then, over HTTP/2, the
    /// handler under it: in that order, so the WebSocket ends its stream before the TCP connection goes.
    /// </summary>
    public static async Task<IDisposable> ConnectAsync(ClientWebSocket ws, Uri uri, string transport, CancellationToken ct)
    {
        if (!WebSocketTransports.IsHttp2(transport))
        {
            await ws.ConnectAsync(uri, ct).ConfigureAwait(false);
            return new Lease(ws, null);
        }
        ws.Options.HttpVersion = HttpVersion.Version20;
        ws.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        var handler = new SocketsHttpHandler { UseProxy = false };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        var invoker = new HttpMessageInvoker(handler);
        try
        {
            await ws.ConnectAsync(uri, invoker, ct).ConfigureAwait(false);
            return new Lease(ws, invoker);
        }
        catch
        {
            invoker.Dispose();
            throw;
        }
    }

    private sealed class Lease(ClientWebSocket ws, HttpMessageInvoker? invoker) : IDisposable
    {
        public void Dispose()
        {
            ws.Dispose();
            invoker?.Dispose();
        }
    }
}
