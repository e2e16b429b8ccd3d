using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using WebSocketKit.AspNetCore;
using WebSocketKit.Protocol.Compression;
using Xunit;

namespace WebSocketKit.ClientTests;

/// <summary>
/// permessage-deflate end to end through the Dialer: against ASP.NET Core's own WebSocket
/// middleware with compression enabled, and against our Upgrader hosted in Kestrel. Several
/// messages in a row, so the shared window (context takeover) is used, then a clean close.
/// </summary>
public class CompressedKestrelTests
{
    private static Task<KestrelHost> PlatformCompressedEchoAsync() => KestrelHost.StartAsync(app =>
    {
        app.UseWebSockets();
        app.Run(async context =>
        {
            using var ws = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { DangerousEnableCompression = true });
            await KestrelHost.PlatformEchoAsync(ws, context.RequestAborted);
        });
    });

    private static Task<KestrelHost> OurCompressedEchoAsync(PerMessageDeflateOptions options) => KestrelHost.StartAsync(app =>
    {
        var upgrader = new Upgrader { EnableCompression = true, CompressionOptions = options };
        app.Run(async context =>
        {
            Conn conn;
            try { conn = await upgrader.UpgradeAsync(context); }
            catch (HandshakeException) { return; }
            await KestrelHost.EchoAsync(conn);
        });
    });

    // Chat-like JSON records that differ from each other (never one repeated byte), so the
    // deflater finds matches inside and across messages.
    private static byte[] Record(int i) => Encoding.UTF8.GetBytes(
        $"{{\"id\":{i},\"room\":\"room-{i % 7}\",\"user\":\"user{i * 31 % 101}\",\"text\":\"message number {i} says {new string((char)('a' + i % 26), i % 50)}\",\"ts\":{1_700_000_000 + i * 17}}}");

    private static async Task EchoesManyAsync(Conn conn)
    {
        for (int i = 0; i < 40; i++)
        {
            var type = i % 3 == 0 || i == 20 ? MessageType.Binary : MessageType.Text;
            var payload = i == 20 ? Enumerable.Range(0, 200_000).Select(k => (byte)(k * 7 % 251)).ToArray() : Record(i);
            await conn.WriteMessageAsync(type, payload, Bounds.Token());
            var (gotType, data) = await conn.ReadMessageAsync(Bounds.Token());
            Assert.Equal(type, gotType);
            Assert.Equal(payload, data);
        }
        await conn.CloseAsync(1000, "done", Bounds.Token());
        Assert.True(conn.PeerSentClose);
    }

    [Fact]
    public async Task Dialer_negotiates_permessage_deflate_with_the_platform_middleware_and_echoes_through_it()
    {
        await using var host = await PlatformCompressedEchoAsync();
        var (conn, response) = await new Dialer { EnableCompression = true }
            .DialAsync(new Uri($"ws://127.0.0.1:{host.Port}/echo"), cancellationToken: Bounds.Token());
        Assert.Contains("permessage-deflate", response.Headers.Get("Sec-WebSocket-Extensions"));
        Assert.NotNull(conn.Compression);
        await EchoesManyAsync(conn);
    }

    [Theory]
    [InlineData(15, 15, true, true)]
    [InlineData(9, 10, true, false)]
    [InlineData(12, 8, false, true)]
    [InlineData(8, 8, false, false)]
    public async Task Dialer_and_our_Upgrader_in_Kestrel_agree_on_windows_and_takeover(int clientBits, int serverBits, bool clientTakeover, bool serverTakeover)
    {
        var offer = new PerMessageDeflateOptions
        {
            ClientMaxWindowBits = clientBits, ServerMaxWindowBits = serverBits,
            AllowClientContextTakeover = clientTakeover, AllowServerContextTakeover = serverTakeover,
        };
        await using var host = await OurCompressedEchoAsync(new PerMessageDeflateOptions());
        var (conn, _) = await new Dialer { EnableCompression = true, CompressionOptions = offer }
            .DialAsync(new Uri($"ws://127.0.0.1:{host.Port}/echo"), cancellationToken: Bounds.Token());
        var p = conn.Compression;
        Assert.NotNull(p);
        Assert.True(p.ClientMaxWindowBits <= clientBits);
        Assert.True(p.ServerMaxWindowBits <= serverBits);
        Assert.Equal(!clientTakeover, p.ClientNoContextTakeover);
        Assert.Equal(!serverTakeover, p.ServerNoContextTakeover);
        await EchoesManyAsync(conn);
    }
}
