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
    /// <summary>Connects <paramref name="ws"/>; returns the HTTP/2 handler to dispose with the socket, or null over HTTP/1.1.</summary>
    public static async Task<HttpMessageInvoker?> ConnectAsync(ClientWebSocket ws, Uri uri, string transport, CancellationToken ct)
    {
        if (!WebSocketTransports.IsHttp2(transport))
        {
            await ws.ConnectAsync(uri, ct).ConfigureAwait(false);
            return null;
        }
        ws.Options.HttpVersion = HttpVersion.Version20;
        ws.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        var handler = new SocketsHttpHandler { UseProxy = false };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        var invoker = new HttpMessageInvoker(handler);
        try
        {
            await ws.ConnectAsync(uri, invoker, ct).ConfigureAwait(false);
            return invoker;
        }
        catch
        {
            invoker.Dispose();
            throw;
        }
    }
}
