using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
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

    public static async Task<KestrelHost> StartAsync(Action<WebApplication> configure, X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
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
}
