using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using Autobahn.Engine.Transport;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KestrelEcho;

/// <summary>What the echo server serves: the transport, the port (0: any free one), and whether it agrees to permessage-deflate.</summary>
/// <param name="Transport">"h1" (HTTP/1.1), "h2c" (HTTP/2 cleartext, prior knowledge) or "h2" (HTTP/2 over TLS, ALPN, self-signed).</param>
/// <param name="Listen">Added to the endpoint's setup (tests put connection middleware there).</param>
/// <param name="AfterEcho">Runs when a WebSocket has ended, before the request does (tests put faults there).</param>
/// <param name="Accept">Makes the WebSocket of a request instead of the middleware's AcceptWebSocketAsync (tests with faults).</param>
public sealed record EchoOptions(string Transport = "h1", int Port = 0, bool Compress = false,
    Action<ListenOptions>? Listen = null, Func<HttpContext, WebSocket, Task>? AfterEcho = null, Func<HttpContext, Task<WebSocket>>? Accept = null);

/// <summary>
/// An echo server on ASP.NET Core's own WebSocket middleware, over HTTP/1.1 or HTTP/2 (RFC 8441, which the middleware
/// accepts as it accepts an upgrade): each message goes back whole with its type; a close is answered with its code.
/// </summary>
public sealed class EchoApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoApp(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<EchoApp> StartAsync(EchoOptions o)
    {
        if (o.Transport is not ("h1" or "h2c" or "h2")) throw new ArgumentException("the transport is h1, h2c or h2", nameof(o));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k =>
        {
            // The suite's largest messages are 16 MiB: larger HTTP/2 windows than the defaults keep them from crawling.
            k.Limits.Http2.InitialStreamWindowSize = 1024 * 1024;
            k.Limits.Http2.InitialConnectionWindowSize = 2 * 1024 * 1024;
            k.Listen(IPAddress.Loopback, o.Port, listen =>
            {
                listen.Protocols = o.Transport == "h1" ? HttpProtocols.Http1 : HttpProtocols.Http2;
                o.Listen?.Invoke(listen);
                if (o.Transport == "h2") listen.UseHttps(SelfSignedCertificate.ForLoopback());
            });
        });
        var app = builder.Build();
        app.UseWebSockets();
        app.Run(async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
            using var ws = o.Accept is { } accept
                ? await accept(context)
                : await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { DangerousEnableCompression = o.Compress });
            await EchoAsync(ws, context.RequestAborted);
            if (o.AfterEcho is { } after) await after(context, ws);
        });
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).First();
        return new EchoApp(app, bound.Port);
    }

    private static async Task EchoAsync(WebSocket ws, CancellationToken ct)
    {
        var message = new ArrayBufferWriter<byte>(64 * 1024);
        try
        {
            while (true)
            {
                var result = await ws.ReceiveAsync(message.GetMemory(64 * 1024), ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (ws.State == WebSocketState.CloseReceived)
                        await ws.CloseOutputAsync(ws.CloseStatus ?? WebSocketCloseStatus.Empty, ws.CloseStatusDescription, ct);
                    return;
                }
                message.Advance(result.Count);
                if (!result.EndOfMessage) continue;
                await ws.SendAsync(message.WrittenMemory, result.MessageType, endOfMessage: true, ct);
                message.ResetWrittenCount();
            }
        }
        catch (WebSocketException) { /* the middleware has failed the connection as it saw fit */ }
        catch (OperationCanceledException) { }
    }

    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
