using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Autobahn.Engine.Transport;

namespace Autobahn.Engine.Http2.Tests;

/// <summary>
/// Kestrel with ASP.NET Core's own WebSocket middleware, in this process, speaking HTTP/2 only (h2c with prior
/// knowledge, or TLS with a self-signed certificate): every WebSocket echoes each message back.
/// Requests that are not WebSocket requests fall through to ASP.NET Core's default 404.
/// </summary>
public sealed class KestrelEchoPeer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelEchoPeer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    /// <param name="protocols">HTTP/2 only, unless a test needs a server that does not speak it.</param>
    public static async Task<KestrelEchoPeer> StartAsync(bool tls, HttpProtocols protocols = HttpProtocols.Http2)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        X509Certificate2? certificate = tls ? SelfSignedCertificate.ForLoopback() : null;
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = protocols;
            if (certificate is not null) listen.UseHttps(certificate);
        }));
        var app = builder.Build();
        app.UseWebSockets();
        app.Use(async (HttpContext context, RequestDelegate next) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                await next(context);
                return;
            }
            using var ws = await context.WebSockets.AcceptWebSocketAsync();
            await EchoAsync(ws, context.RequestAborted);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var port = new Uri(address).Port;
        return new KestrelEchoPeer(app, new Uri($"{(tls ? "https" : "http")}://127.0.0.1:{port}/echo"));
    }

    private static async Task EchoAsync(WebSocket ws, CancellationToken aborted)
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var r = await ws.ReceiveAsync(buffer, aborted);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    await ws.CloseAsync(r.CloseStatus ?? WebSocketCloseStatus.NormalClosure, r.CloseStatusDescription, aborted);
                    return;
                }
                message.Write(buffer, 0, r.Count);
                if (!r.EndOfMessage) continue;
                await ws.SendAsync(message.GetBuffer().AsMemory(0, (int)message.Length), r.MessageType, true, aborted);
                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // The WebSocket failed (a protocol error the middleware answered with a close, or a reset stream): its stream ends here.
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(bounded.Token);
        await _app.DisposeAsync();
    }
}
