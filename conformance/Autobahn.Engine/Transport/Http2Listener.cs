using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Autobahn.Engine.Transport;

/// <summary>
/// The fuzzing server's front over HTTP/2: Kestrel accepts the connections and the extended CONNECT requests
/// (RFC 8441; it advertises SETTINGS_ENABLE_CONNECT_PROTOCOL itself), and hands each WebSocket request to the
/// engine. Cleartext endpoints speak HTTP/2 only (prior knowledge); TLS ones offer h2 by ALPN with a self-signed
/// certificate.
/// </summary>
public sealed class Http2Listener : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Http2Listener(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<Http2Listener> StartAsync(IPAddress address, int port, bool tls, Func<IncomingWebSocket, Task> serve)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            // Cases idle for seconds on purpose; a minimum data rate would reset their streams.
            k.Limits.MinRequestBodyDataRate = null;
            k.Limits.MinResponseDataRate = null;
            // Room for the 16 MiB cases without a window update per 64 KiB.
            k.Limits.Http2.InitialConnectionWindowSize = 16 * 1024 * 1024;
            k.Limits.Http2.InitialStreamWindowSize = 8 * 1024 * 1024;
            k.Listen(address, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (tls) listen.UseHttps(SelfSignedCertificate.ForLoopback());
            });
        });
        var app = builder.Build();
        app.Run(context => AnswerAsync(context, serve));
        await app.StartAsync().ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).First();
        return new Http2Listener(app, bound.Port);
    }

    private static async Task AnswerAsync(HttpContext context, Func<IncomingWebSocket, Task> serve)
    {
        var connect = context.Features.Get<IHttpExtendedConnectFeature>();
        string? problem = connect is not { IsExtendedConnect: true } ? "not an extended CONNECT"
            : !string.Equals(connect.Protocol, "websocket", StringComparison.OrdinalIgnoreCase) ? $":protocol is '{connect.Protocol}', not websocket"
            : context.Request.Headers["sec-websocket-version"] != "13" ? "sec-websocket-version is not 13"
            : null;
        if (problem is not null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync(problem).ConfigureAwait(false);
            return;
        }
        await serve(new Http2IncomingWebSocket(context, connect!)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
