using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using WebSocketKit.EchoServer;
using WebSocketKit.Protocol;
using Xunit;

namespace WebSocketKit.ClientTests;

/// <summary>
/// The echo server's --allow-origin (browser pages on other origins, same-origin kept as the default) and --cert/--key
/// (wss://), through its command line, as a tester starts it.
/// </summary>
public class EchoServerOptionsTests
{
    [Theory]
    [InlineData("https://example.com", "https://example.com", true)]
    [InlineData("https://example.com", "https://EXAMPLE.com", true)]
    [InlineData("https://example.com", "https://example.com:443", true)]
    [InlineData("https://example.com:443", "https://example.com", true)]
    [InlineData("https://example.com", "http://example.com", false)]
    [InlineData("https://example.com", "https://example.com:8443", false)]
    [InlineData("https://example.com", "https://www.example.com", false)]
    [InlineData("https://example.com", "https://example.com.evil.net", false)]
    [InlineData("http://localhost:*", "http://localhost:5173", true)]
    [InlineData("http://localhost:*", "http://localhost", true)]
    [InlineData("http://localhost:*", "https://localhost:5173", false)]
    [InlineData("http://localhost:3000", "http://localhost:3000", true)]
    [InlineData("http://localhost:3000", "http://localhost:3001", false)]
    [InlineData("*.example.com", "https://app.example.com", true)]
    [InlineData("*.example.com", "http://a.b.example.com", true)]
    [InlineData("*.example.com", "https://example.com", false)]
    [InlineData("*.example.com", "https://evilexample.com", false)]
    [InlineData("*.example.com", "https://app.example.com:8443", false)]
    [InlineData("*.example.com:*", "https://app.example.com:8443", true)]
    [InlineData("http://[::1]:*", "http://[::1]:8080", true)]
    [InlineData("http://127.0.0.1:*", "http://127.0.0.1:8080", true)]
    [InlineData("https://*", "https://anything.example", true)]
    [InlineData("https://*", "http://anything.example", false)]
    [InlineData("https://example.com", "null", false)]
    [InlineData("https://example.com", "https://example.com/path", false)]
    [InlineData("any", "null", true)]
    public void Patterns_match_origins_by_scheme_host_and_port(string pattern, string origin, bool matches)
    {
        var patterns = new OriginPatterns();
        patterns.Add(pattern);
        Assert.Equal(matches, patterns.Matches(origin));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("https://", "no host")]
    [InlineData("https://example.com/app", "no path")]
    [InlineData("https://user@example.com", "no path, query or user")]
    [InlineData("ex*ample.com", "wildcard")]
    [InlineData("*example.com", "wildcard")]
    [InlineData("http://localhost:0", "not a port")]
    [InlineData("http://localhost:http", "not a port")]
    [InlineData("1http://x", "not a scheme")]
    [InlineData("http://[::1", "closing ]")]
    [InlineData("exa mple.com", "not a host name")]
    public void Malformed_patterns_are_refused_saying_why(string pattern, string why)
    {
        var e = Assert.Throws<ArgumentException>(() => new OriginPatterns().Add(pattern));
        Assert.Contains(why, e.Message);
        Assert.Contains("--allow-origin", e.Message);
    }

    private static async Task<Exception?> DialFrom(EchoServerProcess server, string? origin)
    {
        try
        {
            var headers = origin is null ? null : new[] { KeyValuePair.Create("Origin", origin) };
            var (conn, _) = await new Dialer().DialAsync(server.Uri(), headers, Bounds.Token());
            await using (conn)
            {
                await conn.WriteMessageAsync(MessageType.Text, "hi"u8.ToArray(), Bounds.Token());
                var (_, data) = await conn.ReadMessageAsync(Bounds.Token());
                Assert.Equal("hi", Encoding.UTF8.GetString(data));
                await conn.CloseAsync(CloseStatus.NormalClosure, "", Bounds.Token());
            }
            return null;
        }
        catch (BadHandshakeException e)
        {
            return e;
        }
    }

    private static void AssertForbidden(Exception? e) => Assert.Equal(403, Assert.IsType<BadHandshakeException>(e).Status);

    [Fact]
    public async Task Without_allow_origin_only_same_origin_pages_are_accepted()
    {
        using var server = await EchoServerProcess.StartAsync();
        Assert.Null(await DialFrom(server, null));
        Assert.Null(await DialFrom(server, $"http://127.0.0.1:{server.Port}"));
        AssertForbidden(await DialFrom(server, "https://example.com"));
        AssertForbidden(await DialFrom(server, "http://localhost:5173"));
    }

    [Fact]
    public async Task Origins_matching_a_pattern_are_accepted_and_others_get_403()
    {
        using var server = await EchoServerProcess.StartAsync(
            "--allow-origin", "https://example.com", "--allow-origin", "http://localhost:*", "--allow-origin", "*.example.org");
        Assert.Null(await DialFrom(server, "https://example.com"));
        Assert.Null(await DialFrom(server, "http://localhost:5173"));
        Assert.Null(await DialFrom(server, "https://app.example.org"));
        // Same-origin pages and clients without an Origin stay accepted.
        Assert.Null(await DialFrom(server, $"http://127.0.0.1:{server.Port}"));
        Assert.Null(await DialFrom(server, null));
        AssertForbidden(await DialFrom(server, "http://example.com"));
        AssertForbidden(await DialFrom(server, "https://example.com.evil.net"));
        AssertForbidden(await DialFrom(server, "https://localhost:5173"));
        AssertForbidden(await DialFrom(server, "https://example.org"));
        AssertForbidden(await DialFrom(server, "null"));
    }

    [Fact]
    public async Task Allow_origin_any_accepts_every_origin()
    {
        using var server = await EchoServerProcess.StartAsync("--allow-origin", "any");
        Assert.Null(await DialFrom(server, "https://evil.example"));
        Assert.Null(await DialFrom(server, "null"));
        Assert.Null(await DialFrom(server, null));
    }

    [Theory]
    [InlineData(new[] { "--allow-origin", "https://example.com/app" }, "no path")]
    [InlineData(new[] { "--allow-origin" }, "--allow-origin needs a value")]
    [InlineData(new[] { "--cert", "/nonexistent/cert.pfx" }, "does not exist")]
    [InlineData(new[] { "--key", "/nonexistent/key.pem" }, "--key needs --cert")]
    public async Task Bad_options_exit_2_saying_what_is_wrong(string[] args, string why)
    {
        var (code, errors) = await EchoServerProcess.RefuseAsync(args);
        Assert.Equal(2, code);
        Assert.Contains(why, errors);
    }

    private static Dialer Trusting(X509Certificate2 certificate) => new()
    {
        TlsOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == certificate.GetCertHashString(),
        },
    };

    private static async Task AssertEchoesOverTls(EchoServerProcess server, X509Certificate2 certificate)
    {
        var (conn, _) = await Trusting(certificate).DialAsync(server.Uri("wss"), cancellationToken: Bounds.Token());
        await using (conn)
        {
            Assert.IsType<SslStream>(conn.UnderlyingStream);
            var payload = RandomNumberGenerator.GetBytes(100_000);
            await conn.WriteMessageAsync(MessageType.Binary, payload, Bounds.Token());
            var (type, data) = await conn.ReadMessageAsync(Bounds.Token());
            Assert.Equal(MessageType.Binary, type);
            Assert.Equal(payload, data);
            await conn.CloseAsync(CloseStatus.NormalClosure, "", Bounds.Token());
        }
    }

    [Fact]
    public async Task Cert_pfx_serves_wss()
    {
        using var certificate = TestCertificate.Create();
        await InTempFolder(async dir =>
        {
            var pfx = Path.Combine(dir, "server.pfx");
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pkcs12));
            using var server = await EchoServerProcess.StartAsync("--cert", pfx);
            await AssertEchoesOverTls(server, certificate);
            // A plain ws:// client gets no WebSocket from a TLS port.
            await Assert.ThrowsAnyAsync<Exception>(async () => await new Dialer().DialAsync(server.Uri(), cancellationToken: Bounds.Token()));
            await AssertEchoesOverTls(server, certificate);
        });
    }

    [Fact]
    public async Task Cert_pem_with_key_serves_wss_and_without_the_key_is_refused()
    {
        using var certificate = TestCertificate.Create();
        await InTempFolder(async dir =>
        {
            var cert = Path.Combine(dir, "server.crt");
            var key = Path.Combine(dir, "server.key");
            await File.WriteAllTextAsync(cert, certificate.ExportCertificatePem());
            await File.WriteAllTextAsync(key, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());

            using (var server = await EchoServerProcess.StartAsync("--cert", cert, "--key", key))
                await AssertEchoesOverTls(server, certificate);

            var (code, errors) = await EchoServerProcess.RefuseAsync("--cert", cert);
            Assert.Equal(2, code);
            Assert.Contains("needs --key", errors);
        });
    }

    private static async Task InTempFolder(Func<string, Task> body)
    {
        var dir = Directory.CreateTempSubdirectory("echo-tls-");
        try
        {
            await body(dir.FullName);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
