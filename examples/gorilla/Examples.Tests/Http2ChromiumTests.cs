using System.Text.Json;
using Microsoft.AspNetCore.Http;
using WebSocketKit;
using WebSocketKit.ClientTests;
using WebSocketKit.EchoServer;

namespace Examples.Tests;

/// <summary>
/// RFC 8441 with a real browser: headless Chromium loads a page over https (HTTP/2 by ALPN) from
/// our echo host on Kestrel and opens a same-origin wss:// WebSocket. Chromium sends it as an
/// extended CONNECT on the page's HTTP/2 connection when the server advertised
/// SETTINGS_ENABLE_CONNECT_PROTOCOL; the server's own count says which HTTP version carried it.
/// </summary>
[Collection(nameof(Chromium))]
public sealed class Http2ChromiumTests(Chromium chromium)
{
    private const string Page = """
        <!doctype html><meta charset="utf-8"><title>h2 echo</title>
        <script>
        // Opens a WebSocket to this page's origin, echoes a text and a binary message, and reports what came back.
        async function echoOverWebSocket() {
          const ws = new WebSocket(`wss://${location.host}/echo`);
          ws.binaryType = "arraybuffer";
          const queue = [];
          let waiting = null;
          ws.onmessage = e => { queue.push(e.data); if (waiting) { waiting(); waiting = null; } };
          const next = () => queue.length ? Promise.resolve(queue.shift()) : new Promise(r => waiting = r).then(() => queue.shift());
          await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error("websocket error")); });
          const text = "héllo over HTTP/2 ✓ ".repeat(200);
          ws.send(text);
          const textBack = await next();
          const bytes = new Uint8Array(70000).map((_, i) => (i * 31) & 0xff);
          ws.send(bytes);
          const bytesBack = new Uint8Array(await next());
          const closed = new Promise(r => ws.onclose = e => r(e.code));
          ws.close(1000, "done");
          return {
            textEchoed: textBack === text,
            binaryEchoed: bytesBack.length === bytes.length && bytesBack.every((b, i) => b === bytes[i]),
            extensions: ws.extensions,
            closeCode: await closed,
          };
        }
        </script>
        """;

    private sealed record Outcome(bool TextEchoed, bool BinaryEchoed, string Extensions, int CloseCode);

    [Fact]
    public async Task Chromium_echoes_text_and_binary_with_permessage_deflate_over_an_HTTP2_WebSocket()
    {
        using var certificate = TestCertificate.Create();
        await using var host = new KestrelEchoHost(0, new Upgrader { EnableCompression = true }, KestrelEchoProtocols.Http1AndHttp2, certificate,
            fallback: context =>
            {
                context.Response.ContentType = "text/html; charset=utf-8";
                return context.Response.WriteAsync(Page);
            });
        await host.StartAsync();
        var page = await chromium.NewPageAsync(new() { IgnoreHTTPSErrors = true });
        var loaded = await page.GotoAsync($"https://127.0.0.1:{host.Port}/");
        Assert.NotNull(loaded);
        Assert.True(loaded.Ok);

        var json = await page.EvaluateAsync<JsonElement>("echoOverWebSocket()").WaitAsync(Limits.Step);
        var outcome = json.Deserialize<Outcome>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.True(outcome.TextEchoed);
        Assert.True(outcome.BinaryEchoed);
        Assert.StartsWith("permessage-deflate", outcome.Extensions);
        Assert.Equal(1000, outcome.CloseCode);
        // The server, not the page, says how the WebSocket came: an extended CONNECT on HTTP/2.
        Assert.Equal(1, host.Http2WebSockets);
        Assert.Equal(0, host.Http1WebSockets);
    }
}
