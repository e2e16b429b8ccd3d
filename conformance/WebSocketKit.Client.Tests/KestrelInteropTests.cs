using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using WebSocketKit.AspNetCore;
using Xunit;

namespace WebSocketKit.ClientTests;

/// <summary>
/// Our Dialer against Kestrel, over real TCP on 127.0.0.1: the platform's own WebSocket middleware,
/// and our Upgrader hosted in Kestrel through the ASP.NET Core glue; ws and wss.
/// </summary>
public class KestrelInteropTests
{
    // Kestrel with ASP.NET Core's built-in WebSocket middleware echoing on /echo.
    private static Task<KestrelHost> PlatformEchoAsync(X509Certificate2? certificate = null) => KestrelHost.StartAsync(app =>
    {
        app.UseWebSockets();
        app.Run(async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = 418;
                await context.Response.WriteAsync("websockets only, please");
                return;
            }
            context.Response.Cookies.Append("session", "abc123");
            string? protocol = context.WebSockets.WebSocketRequestedProtocols.FirstOrDefault(p => p == "echo.v2");
            using var ws = await context.WebSockets.AcceptWebSocketAsync(protocol);
            await KestrelHost.PlatformEchoAsync(ws, context.RequestAborted);
        });
    }, certificate);

    private static Task<KestrelHost> OurEchoAsync(Upgrader upgrader, X509Certificate2? certificate = null)
        => KestrelHost.StartUpgraderEchoAsync(upgrader, certificate);

    private static async Task EchoesAsync(Conn conn)
    {
        var text = "héllo, Kestrel";
        await conn.WriteMessageAsync(MessageType.Text, Encoding.UTF8.GetBytes(text), Bounds.Token());
        var (type, data) = await conn.ReadMessageAsync(Bounds.Token());
        Assert.Equal(MessageType.Text, type);
        Assert.Equal(text, Encoding.UTF8.GetString(data));
        var big = RandomNumberGenerator.GetBytes(300_000);
        await conn.WriteMessageAsync(MessageType.Binary, big, Bounds.Token());
        (type, data) = await conn.ReadMessageAsync(Bounds.Token());
        Assert.Equal(MessageType.Binary, type);
        Assert.Equal(big, data);
    }

    private static async Task ClosesNormallyAsync(Conn conn)
    {
        await conn.CloseAsync(1000, "bye", Bounds.Token());
        Assert.True(conn.PeerSentClose);
    }

    [Fact]
    public async Task Dialer_talks_to_the_platform_middleware_with_a_subprotocol_and_cookies()
    {
        await using var host = await PlatformEchoAsync();
        var jar = new CookieContainer();
        jar.Add(new Uri($"http://127.0.0.1:{host.Port}/"), new Cookie("pref", "dark"));
        var dialer = new Dialer { Subprotocols = ["echo.v1", "echo.v2"], Jar = jar };
        var (conn, response) = await dialer.DialAsync(new Uri($"ws://127.0.0.1:{host.Port}/echo"), cancellationToken: Bounds.Token());
        Assert.Equal("echo.v2", conn.Subprotocol);
        Assert.Equal(101, response.StatusCode);
        // The 101's Set-Cookie went into the jar.
        Assert.Equal("abc123", jar.GetCookies(new Uri($"http://127.0.0.1:{host.Port}/"))["session"]?.Value);
        await EchoesAsync(conn);
        await ClosesNormallyAsync(conn);
    }

    [Fact]
    public async Task A_plain_http_answer_from_Kestrel_is_a_bad_handshake_with_its_body()
    {
        await using var host = await KestrelHost.StartAsync(app => app.Run(async c =>
        {
            c.Response.StatusCode = 404;
            await c.Response.WriteAsync("no such socket");
        }));
        var e = await Assert.ThrowsAsync<BadHandshakeException>(async () =>
            await new Dialer().DialAsync(new Uri($"ws://127.0.0.1:{host.Port}/nope"), cancellationToken: Bounds.Token()));
        Assert.Equal(404, e.Status);
        // Kestrel sends this body chunked; the Dialer decodes it.
        Assert.Equal("no such socket", Encoding.UTF8.GetString(e.Body));
    }

    [Fact]
    public async Task Dialer_talks_to_our_Upgrader_hosted_in_Kestrel()
    {
        await using var host = await OurEchoAsync(new Upgrader { Subprotocols = ["echo.v2"] });
        var (conn, response) = await new Dialer { Subprotocols = ["echo.v2"] }
            .DialAsync(new Uri($"ws://127.0.0.1:{host.Port}/echo"), cancellationToken: Bounds.Token());
        Assert.Equal("echo.v2", conn.Subprotocol);
        Assert.Equal("WebSocketKit", response.Headers.Get("X-Served-By"));
        await EchoesAsync(conn);
        await ClosesNormallyAsync(conn);
    }

    [Fact]
    public async Task The_platform_client_talks_to_our_Upgrader_hosted_in_Kestrel()
    {
        await using var host = await OurEchoAsync(new Upgrader());
        using var ws = new System.Net.WebSockets.ClientWebSocket();
        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{host.Port}/"), Bounds.Token());
        await ws.SendAsync("ping"u8.ToArray(), System.Net.WebSockets.WebSocketMessageType.Text, true, Bounds.Token());
        var buffer = new byte[64];
        var r = await ws.ReceiveAsync(buffer, Bounds.Token());
        Assert.Equal("ping", Encoding.UTF8.GetString(buffer, 0, r.Count));
        await ws.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "", Bounds.Token());
        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, ws.CloseStatus);
    }

    [Fact]
    public async Task Our_Upgrader_in_Kestrel_refuses_a_foreign_origin_with_403_and_its_reason()
    {
        await using var host = await OurEchoAsync(new Upgrader());
        var e = await Assert.ThrowsAsync<BadHandshakeException>(async () => await new Dialer()
            .DialAsync(new Uri($"ws://127.0.0.1:{host.Port}/"), [new("Origin", "http://evil.test")], Bounds.Token()));
        Assert.Equal(403, e.Status);
        Assert.Contains("origin not allowed", Encoding.UTF8.GetString(e.Body));
    }

    [Fact]
    public async Task Our_Upgrader_in_Kestrel_accepts_an_origin_its_CheckOrigin_allows()
    {
        await using var host = await OurEchoAsync(new Upgrader { CheckOrigin = r => r.Headers.Get("Origin") == "http://app.test" });
        var (conn, _) = await new Dialer().DialAsync(new Uri($"ws://127.0.0.1:{host.Port}/"), [new("Origin", "http://app.test")], Bounds.Token());
        await EchoesAsync(conn);
        await ClosesNormallyAsync(conn);
    }

    [Fact]
    public async Task Wss_works_when_the_callback_accepts_exactly_the_servers_certificate()
    {
        using var certificate = TestCertificate.Create();
        await using var host = await PlatformEchoAsync(certificate);
        var dialer = new Dialer
        {
            TlsOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHash().AsSpan().SequenceEqual(certificate.GetCertHash()),
            },
        };
        var (conn, _) = await dialer.DialAsync(new Uri($"wss://127.0.0.1:{host.Port}/echo"), cancellationToken: Bounds.Token());
        Assert.IsType<SslStream>(conn.UnderlyingStream);
        await EchoesAsync(conn);
        await ClosesNormallyAsync(conn);
    }

    [Fact]
    public async Task Wss_to_our_Upgrader_in_Kestrel()
    {
        using var certificate = TestCertificate.Create();
        await using var host = await OurEchoAsync(new Upgrader(), certificate);
        var dialer = new Dialer { TlsOptions = new() { RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == certificate.GetCertHashString() } };
        var (conn, _) = await dialer.DialAsync(new Uri($"wss://127.0.0.1:{host.Port}/"), cancellationToken: Bounds.Token());
        await EchoesAsync(conn);
        await ClosesNormallyAsync(conn);
    }

    [Fact]
    public async Task Wss_refuses_a_self_signed_certificate_by_default()
    {
        using var certificate = TestCertificate.Create();
        await using var host = await PlatformEchoAsync(certificate);
        await Assert.ThrowsAsync<AuthenticationException>(async () =>
            await new Dialer().DialAsync(new Uri($"wss://127.0.0.1:{host.Port}/echo"), cancellationToken: Bounds.Token()));
    }

    [Fact]
    public async Task Wss_refuses_another_certificate_than_the_pinned_one()
    {
        using var served = TestCertificate.Create();
        using var pinned = TestCertificate.Create();
        await using var host = await PlatformEchoAsync(served);
        var dialer = new Dialer { TlsOptions = new() { RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == pinned.GetCertHashString() } };
        await Assert.ThrowsAsync<AuthenticationException>(async () =>
            await dialer.DialAsync(new Uri($"wss://127.0.0.1:{host.Port}/echo"), cancellationToken: Bounds.Token()));
    }
}
