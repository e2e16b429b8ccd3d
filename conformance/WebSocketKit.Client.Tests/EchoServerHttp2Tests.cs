using System.Net;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using WebSocketKit.Protocol;
using Xunit;

namespace WebSocketKit.ClientTests;

/// <summary>
/// The echo server's --kestrel and --h2c, through its command line as the conformance engine starts
/// it: WebSockets over HTTP/2 (RFC 8441), the other options honoured, each WebSocket logged with
/// the HTTP version that carried it.
/// </summary>
public class EchoServerHttp2Tests
{
    private static Dialer Http2Dialer(X509Certificate2? pinned = null) => new()
    {
        HttpVersion = HttpVersion.Version20,
        HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        EnableCompression = true,
        TlsOptions = pinned is null ? null : new() { RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == pinned.GetCertHashString() },
    };

    [Fact]
    public async Task H2c_serves_compressed_echo_over_HTTP2_honours_the_read_limit_and_logs_the_version()
    {
        using var server = await EchoServerProcess.StartAsync("--h2c", "--compress", "--read-limit", "4096", "--log-level", "Information");
        var (conn, response) = await Http2Dialer().DialAsync(server.Uri(), cancellationToken: Bounds.Token());
        await using var _ = conn;
        Assert.Equal(HttpVersion.Version20, conn.HttpVersion);
        Assert.StartsWith("permessage-deflate", response.Headers.Get("Sec-WebSocket-Extensions"));
        Assert.Contains("websocket over HTTP/2 from 127.0.0.1:", await server.OutputLineAsync("websocket over"));

        await conn.WriteMessageAsync(MessageType.Text, "small"u8.ToArray(), Bounds.Token());
        Assert.Equal("small"u8.ToArray(), (await conn.ReadMessageAsync(Bounds.Token())).Data);
        // Over the limit: the server closes with 1009, as over HTTP/1.1.
        await conn.WriteMessageAsync(MessageType.Binary, System.Security.Cryptography.RandomNumberGenerator.GetBytes(10_000), Bounds.Token());
        var closed = await Assert.ThrowsAsync<CloseException>(async () => await conn.ReadMessageAsync(Bounds.Token()));
        Assert.Equal(CloseStatus.MessageTooBig, closed.Code);
    }

    [Fact]
    public async Task H2c_keeps_the_default_origin_rule_and_allow_origin_widens_it()
    {
        using (var strict = await EchoServerProcess.StartAsync("--h2c"))
        {
            var e = await Assert.ThrowsAsync<BadHandshakeException>(async () =>
                await Http2Dialer().DialAsync(strict.Uri(), [new("Origin", "https://app.example")], Bounds.Token()));
            Assert.Equal(403, e.Status);
        }
        using var open = await EchoServerProcess.StartAsync("--h2c", "--allow-origin", "https://app.example");
        var (conn, _) = await Http2Dialer().DialAsync(open.Uri(), [new("Origin", "https://app.example")], Bounds.Token());
        await conn.CloseAsync(CloseStatus.NormalClosure, "", Bounds.Token());
    }

    [Fact]
    public async Task Kestrel_with_a_certificate_serves_HTTP2_and_HTTP11_on_one_port_chosen_by_ALPN()
    {
        using var certificate = TestCertificate.Create();
        var dir = Directory.CreateTempSubdirectory("echo-h2-");
        try
        {
            var pfx = Path.Combine(dir.FullName, "server.pfx");
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pkcs12));
            using var server = await EchoServerProcess.StartAsync("--kestrel", "--cert", pfx, "--log-level", "Information");
            var (h2, _) = await Http2Dialer(certificate).DialAsync(server.Uri("wss"), cancellationToken: Bounds.Token());
            Assert.Equal(HttpVersion.Version20, h2.HttpVersion);
            Assert.Contains("over HTTP/2", await server.OutputLineAsync("websocket over"));
            var classic = new Dialer { TlsOptions = new() { RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == certificate.GetCertHashString() } };
            var (h1, _) = await classic.DialAsync(server.Uri("wss"), cancellationToken: Bounds.Token());
            Assert.Equal(HttpVersion.Version11, h1.HttpVersion);
            Assert.Contains("over HTTP/1.1", await server.OutputLineAsync("websocket over"));
            await h2.CloseAsync(CloseStatus.NormalClosure, "", Bounds.Token());
            await h1.CloseAsync(CloseStatus.NormalClosure, "", Bounds.Token());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
