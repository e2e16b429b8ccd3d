using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using WebSocketKit.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WebSocketKit.ClientTests;

/// <summary>A Kestrel app on 127.0.0.1 and a free port (plain or TLS), configured by the test, stopped on dispose.</summary>
internal sealed class KestrelHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelHost(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Starts the app; <paramref name="protocols"/> null keeps Kestrel's default (HTTP/1.1 and HTTP/2, HTTP/1.1 only in cleartext).</summary>
    public static async Task<KestrelHost> StartAsync(Action<WebApplication> configure, X509Certificate2? certificate = null,
        Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols? protocols = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (protocols is { } p) listen.Protocols = p;
            if (certificate is not null) listen.UseHttps(certificate);
        }));
        var app = builder.Build();
        configure(app);
        await app.StartAsync(Bounds.Token());
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new KestrelHost(app, new Uri(address).Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(Bounds.Token());
        await _app.DisposeAsync();
    }

    /// <summary>
    /// Kestrel hosting our <paramref name="upgrader"/> through the ASP.NET Core glue, echoing with our
    /// Conn; connections are registered in <paramref name="registry"/> when one is given.
    /// </summary>
    public static Task<KestrelHost> StartUpgraderEchoAsync(Upgrader upgrader, X509Certificate2? certificate = null,
        ConnectionRegistry? registry = null, Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols? protocols = null) => StartAsync(app => app.Run(async context =>
    {
        if (!context.IsWebSocketUpgrade())
        {
            context.Response.StatusCode = 426;
            return;
        }
        Conn conn;
        try { conn = await upgrader.UpgradeAsync(context, [new("X-Served-By", "WebSocketKit")]); }
        catch (HandshakeException) { return; }
        if (registry is not null && !registry.TryAdd(conn))
        {
            await conn.CloseAsync(1001, "shutting down");
            return;
        }
        try { await EchoAsync(conn); }
        finally { registry?.Remove(conn); }
    }), certificate, protocols);

    /// <summary>Echoes messages on <paramref name="conn"/> until the peer closes.</summary>
    public static async Task EchoAsync(Conn conn)
    {
        try
        {
            while (true)
            {
                var (type, data) = await conn.ReadMessageAsync();
                await conn.WriteMessageAsync(type, data);
            }
        }
        catch (Exception e) when (e is CloseException or ConnectionClosedException) { }
        finally
        {
            await conn.DisposeAsync();
        }
    }

    /// <summary>Echoes whole messages on a platform WebSocket (up to 1 MiB each) until the peer closes.</summary>
    public static async Task PlatformEchoAsync(System.Net.WebSockets.WebSocket ws, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 20];
        while (true)
        {
            int filled = 0;
            System.Net.WebSockets.WebSocketReceiveResult r;
            do
            {
                r = await ws.ReceiveAsync(new ArraySegment<byte>(buffer, filled, buffer.Length - filled), cancellationToken);
                filled += r.Count;
            } while (!r.EndOfMessage && r.MessageType != System.Net.WebSockets.WebSocketMessageType.Close);
            if (r.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
            {
                await ws.CloseOutputAsync(r.CloseStatus ?? System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, r.CloseStatusDescription, cancellationToken);
                return;
            }
            await ws.SendAsync(buffer.AsMemory(0, filled), r.MessageType, true, cancellationToken);
        }
    }
}
