using System.Collections.Concurrent;
using System.Text;
using Examples.Echo;
using Microsoft.Playwright;
using WebSocketKit;
using static Microsoft.Playwright.Assertions;

namespace Examples.Tests;

[Collection(nameof(Chromium))]
public sealed class EchoTests(Chromium chromium)
{
    [Fact]
    public async Task Page_sends_text_and_shows_the_servers_echo()
    {
        await using var host = await ExampleHost.StartAsync(EchoServer.Build);
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(host.Http.ToString());
        var output = page.Locator("#output");

        await page.ClickAsync("#open");
        await Expect(output).ToContainTextAsync("OPEN");
        foreach (var text in new[] { "hello from chromium", "zweite Nachricht, ünïcödé ✓" })
        {
            await page.FillAsync("#input", text);
            await page.ClickAsync("#send");
            await Expect(output.GetByText($"RESPONSE: {text}", new() { Exact = true })).ToBeVisibleAsync();
        }
        await page.ClickAsync("#close");
        await Expect(output).ToContainTextAsync("CLOSE 1000");
    }

    [Fact]
    public async Task Binary_messages_come_back_as_binary()
    {
        await using var host = await ExampleHost.StartAsync(EchoServer.Build);
        var (conn, _) = await Dialer.Default.DialAsync(host.Ws("/echo"));
        await using var _ = conn;
        byte[] payload = [0, 1, 2, 0xFE, 0xFF];
        await conn.WriteMessageAsync(MessageType.Binary, payload);
        var (type, data) = await conn.ReadMessageAsync().AsTask().WaitAsync(Limits.Step);
        Assert.Equal(MessageType.Binary, type);
        Assert.Equal(payload, data);
        await conn.CloseAsync();
    }

    [Fact]
    public async Task Command_line_client_prints_what_it_sent_coming_back_and_closes_on_stop()
    {
        await using var host = await ExampleHost.StartAsync(EchoServer.Build);
        var output = new Lines();
        using var stop = new CancellationTokenSource();
        var client = EchoClient.RunAsync(host.Ws("/echo"), output, TimeSpan.FromMilliseconds(50), stop.Token);

        // The client sends the time; the same text must come back.
        await Limits.UntilAsync(() => output.Received().Intersect(output.Sent()).Count() >= 2, "two of the sent messages came back");
        await stop.CancelAsync();
        await client.WaitAsync(Limits.Step);
        Assert.Contains("closed: 1000 ", output.All);
        Assert.All(output.Received(), r => Assert.Contains(r, output.Sent()));
    }

    /// <summary>The client's output, line by line (it writes from two tasks).</summary>
    private sealed class Lines : TextWriter
    {
        private readonly ConcurrentQueue<string> _lines = new();
        public override Encoding Encoding => Encoding.UTF8;
        public override void WriteLine(string? value) => _lines.Enqueue(value ?? "");
        public string[] All => [.. _lines];
        public IEnumerable<string> Sent() => With("sent: ");
        public IEnumerable<string> Received() => With("recv: ");
        private IEnumerable<string> With(string prefix) => All.Where(l => l.StartsWith(prefix)).Select(l => l[prefix.Length..]);
    }
}
