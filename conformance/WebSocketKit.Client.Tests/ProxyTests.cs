using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using WebSocketKit.AspNetCore;
using Xunit;

namespace WebSocketKit.ClientTests;

/// <summary>
/// The Dialer through a real HTTP CONNECT proxy (tinyproxy on loopback): ws and wss to Kestrel
/// hosting our Upgrader, Basic proxy credentials, and the proxy's refusals.
/// </summary>
public class ProxyTests
{
    private static Task<KestrelHost> EchoHostAsync(X509Certificate2? certificate = null) => KestrelHost.StartAsync(app => app.Run(async context =>
    {
        Conn conn;
        try { conn = await new Upgrader().UpgradeAsync(context); }
        catch (HandshakeException) { return; }
        await KestrelHost.EchoAsync(conn);
    }), certificate);

    private static async Task RoundTripAsync(Conn conn)
    {
        await conn.WriteMessageAsync(MessageType.Text, "through the tunnel"u8.ToArray(), Bounds.Token());
        var (_, data) = await conn.ReadMessageAsync(Bounds.Token());
        Assert.Equal("through the tunnel", Encoding.UTF8.GetString(data));
        await conn.CloseAsync(1000, "", Bounds.Token());
        Assert.True(conn.PeerSentClose);
    }

    [Fact]
    public async Task Ws_through_the_proxy()
    {
        await using var host = await EchoHostAsync();
        await using var proxy = await TinyProxy.StartAsync([host.Port]);
        var dialer = new Dialer { Proxy = Dialer.ProxyUrl(proxy.Uri()) };
        var (conn, _) = await dialer.DialAsync(new Uri($"ws://127.0.0.1:{host.Port}/"), cancellationToken: Bounds.Token());
        await RoundTripAsync(conn);
        Assert.Contains($"CONNECT 127.0.0.1:{host.Port}", proxy.Log);
    }

    [Fact]
    public async Task Wss_through_the_proxy_checks_the_servers_certificate_end_to_end()
    {
        using var certificate = TestCertificate.Create();
        await using var host = await EchoHostAsync(certificate);
        await using var proxy = await TinyProxy.StartAsync([host.Port]);
        var dialer = new Dialer
        {
            Proxy = Dialer.ProxyUrl(proxy.Uri()),
            TlsOptions = new() { RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == certificate.GetCertHashString() },
        };
        var (conn, _) = await dialer.DialAsync(new Uri($"wss://127.0.0.1:{host.Port}/"), cancellationToken: Bounds.Token());
        await RoundTripAsync(conn);
    }

    [Fact]
    public async Task The_proxy_refusing_the_port_is_a_bad_handshake_from_the_proxy()
    {
        await using var host = await EchoHostAsync();
        // The proxy allows CONNECT to another port only.
        await using var proxy = await TinyProxy.StartAsync([host.Port == 1 ? 2 : 1]);
        var dialer = new Dialer { Proxy = Dialer.ProxyUrl(proxy.Uri()) };
        var e = await Assert.ThrowsAsync<BadHandshakeException>(async () =>
            await dialer.DialAsync(new Uri($"ws://127.0.0.1:{host.Port}/"), cancellationToken: Bounds.Token()));
        Assert.True(e.FromProxy);
        Assert.Equal(403, e.Status);
        Assert.NotEmpty(e.Body);
    }

    [Fact]
    public async Task Proxy_credentials_from_the_proxy_uri_are_sent_as_basic_auth()
    {
        await using var host = await EchoHostAsync();
        await using var proxy = await TinyProxy.StartAsync([host.Port], ("alice", "s3cret"));
        var target = new Uri($"ws://127.0.0.1:{host.Port}/");

        var refused = await Assert.ThrowsAsync<BadHandshakeException>(async () =>
            await new Dialer { Proxy = Dialer.ProxyUrl(proxy.Uri()) }.DialAsync(target, cancellationToken: Bounds.Token()));
        Assert.True(refused.FromProxy);
        // RFC 7235 says 407; tinyproxy 1.11 answers CONNECT without credentials with 401.
        Assert.Contains(refused.Status, new[] { 401, 407 });

        var wrong = await Assert.ThrowsAsync<BadHandshakeException>(async () =>
            await new Dialer { Proxy = Dialer.ProxyUrl(proxy.Uri("alice", "nope")) }.DialAsync(target, cancellationToken: Bounds.Token()));
        Assert.Contains(wrong.Status, new[] { 401, 407 });

        var (conn, _) = await new Dialer { Proxy = Dialer.ProxyUrl(proxy.Uri("alice", "s3cret")) }.DialAsync(target, cancellationToken: Bounds.Token());
        await RoundTripAsync(conn);
    }

    [Fact]
    public async Task The_proxy_function_chooses_per_target()
    {
        await using var host = await EchoHostAsync();
        await using var proxy = await TinyProxy.StartAsync([host.Port]);
        var asked = new List<Uri>();
        var dialer = new Dialer { Proxy = target => { asked.Add(target); return null; } };
        var (conn, _) = await dialer.DialAsync(new Uri($"ws://127.0.0.1:{host.Port}/x?y=1"), cancellationToken: Bounds.Token());
        await RoundTripAsync(conn);
        // The function sees the target in its http form, and returning null goes direct.
        Assert.Equal([new Uri($"http://127.0.0.1:{host.Port}/x?y=1")], asked);
        Assert.DoesNotContain($"CONNECT 127.0.0.1:{host.Port}", proxy.Log);
    }
}
