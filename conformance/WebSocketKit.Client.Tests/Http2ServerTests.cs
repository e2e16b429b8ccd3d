using System.Net;
using System.Net.Http;
using System.Net.WebSockets;
using System.Text;
using WebSocketKit.EchoServer;
using Xunit;

namespace WebSocketKit.ClientTests;

/// <summary>
/// RFC 8441 on the server side: our Upgrader hosted in Kestrel accepts an HTTP/2 extended CONNECT
/// and serves the same Conn over the stream; .NET's ClientWebSocket (HttpVersion 2.0, exact) is the
/// client, over h2c with prior knowledge and over TLS with ALPN h2.
/// </summary>
public class Http2ServerTests
{
    private static Task<KestrelEchoHost> StartAsync(Upgrader upgrader, KestrelEchoProtocols protocols = KestrelEchoProtocols.Http2Cleartext,
        System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
        => Http2DialerTests.EchoHostAsync(upgrader, protocols, certificate);

    private static ClientWebSocket Http2Client()
    {
        var ws = new ClientWebSocket();
        ws.Options.HttpVersion = HttpVersion.Version20;
        ws.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        return ws;
    }

    [Fact]
    public async Task ClientWebSocket_over_h2c_is_served_by_an_extended_CONNECT_and_echoes()
    {
        await using var host = await StartAsync(new Upgrader { EnableCompression = true });
        using var handler = new SocketsHttpHandler();
        using var ws = Http2Client();
        ws.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        ws.Options.CollectHttpResponseDetails = true;
        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{host.Port}/echo"), new HttpMessageInvoker(handler), Bounds.Token());
        Assert.Equal(HttpStatusCode.OK, ws.HttpStatusCode);
        Assert.Contains("permessage-deflate", ws.HttpResponseHeaders!["Sec-WebSocket-Extensions"].Single());
        Assert.False(ws.HttpResponseHeaders.ContainsKey("Sec-WebSocket-Accept"));
        var text = string.Concat(Enumerable.Repeat("héllo over HTTP/2 ", 100));
        await ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, Bounds.Token());
        var buffer = new byte[8192];
        var r = await ws.ReceiveAsync(buffer, Bounds.Token());
        Assert.True(r.EndOfMessage);
        Assert.Equal(text, Encoding.UTF8.GetString(buffer, 0, r.Count));
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", Bounds.Token());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, ws.CloseStatus);
        Assert.Equal(1, host.Http2WebSockets);
        Assert.Equal(0, host.Http1WebSockets);
    }

    [Fact]
    public async Task ClientWebSocket_over_TLS_negotiates_h2_and_the_server_sees_HTTP2()
    {
        using var certificate = TestCertificate.Create();
        await using var host = await StartAsync(new Upgrader(), KestrelEchoProtocols.Http1AndHttp2, certificate);
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == certificate.GetCertHashString();
        using var ws = Http2Client();
        ws.Options.CollectHttpResponseDetails = true;
        await ws.ConnectAsync(new Uri($"wss://127.0.0.1:{host.Port}/"), new HttpMessageInvoker(handler), Bounds.Token());
        Assert.Equal(HttpStatusCode.OK, ws.HttpStatusCode);
        var payload = System.Security.Cryptography.RandomNumberGenerator.GetBytes(200_000);
        await ws.SendAsync(payload, WebSocketMessageType.Binary, true, Bounds.Token());
        var received = new MemoryStream();
        var buffer = new byte[65536];
        ValueWebSocketReceiveResult r;
        do
        {
            r = await ws.ReceiveAsync(buffer.AsMemory(), Bounds.Token());
            received.Write(buffer, 0, r.Count);
        } while (!r.EndOfMessage);
        Assert.Equal(payload, received.ToArray());
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "", Bounds.Token());
        Assert.Equal(1, host.Http2WebSockets);
    }
}
