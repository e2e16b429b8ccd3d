using System.Diagnostics;
using Examples.Chat;
using Microsoft.Playwright;
using WebSocketKit;
using WebSocketKit.Protocol;
using static Microsoft.Playwright.Assertions;

namespace Examples.Tests;

[Collection(nameof(Chromium))]
public sealed class ChatTests(Chromium chromium)
{
    private static Task<ExampleHost> StartAsync(ChatOptions? options = null)
        => ExampleHost.StartAsync(addr => ChatServer.Build(addr, options));

    [Fact]
    public async Task Two_pages_see_each_others_messages()
    {
        await using var host = await StartAsync();
        var alice = await chromium.NewPageAsync();
        var bob = await chromium.NewPageAsync();
        foreach (var page in new[] { alice, bob })
        {
            await page.GotoAsync(host.Http.ToString());
            await Expect(page.Locator("body[data-state=open]")).ToBeVisibleAsync();
        }

        await SayAsync(alice, "hello from Alice");
        await SayAsync(bob, "hi Alice, Bob here ✓");
        foreach (var page in new[] { alice, bob })
            await Expect(page.Locator("#log .message")).ToHaveTextAsync(["hello from Alice", "hi Alice, Bob here ✓"]);

        static async Task SayAsync(IPage page, string text)
        {
            await page.FillAsync("#msg", text);
            await page.PressAsync("#msg", "Enter");
        }
    }

    [Fact]
    public async Task A_message_reaches_every_client_as_one_line()
    {
        await using var host = await StartAsync();
        await using var a = await Peer.DialAsync(host.Ws("/ws"));
        await using var b = await Peer.DialAsync(host.Ws("/ws"));
        // Both are registered once each sees a broadcast; then the real message goes out.
        await a.SendAsync("ready");
        Assert.Equal("ready", await a.NextAsync());
        Assert.Equal("ready", await b.NextAsync());

        await b.SendAsync("  two\nlines  ");
        Assert.Equal("two lines", await a.NextAsync());
        Assert.Equal("two lines", await b.NextAsync());
    }

    [Fact]
    public async Task A_message_over_the_limit_closes_its_sender_with_1009()
    {
        await using var host = await StartAsync(new ChatOptions { MaxMessageSize = 64 });
        await using var peer = await Peer.DialAsync(host.Ws("/ws"));
        await peer.SendAsync(new string('x', 65));
        Assert.Equal(CloseStatus.MessageTooBig, CloseMessages.AsClose(await peer.EndAsync())?.Code);
    }

    private static readonly ChatOptions FastKeepAlive = new() { PingPeriod = TimeSpan.FromMilliseconds(100), PongWait = TimeSpan.FromMilliseconds(600) };

    // A pong wait several times the ping period: a client that answers stays connected even when this busy test
    // process stalls for a second or so between a ping and its pong (a 600 ms wait was once missed under load).
    private static readonly ChatOptions AnsweredKeepAlive = new() { PingPeriod = TimeSpan.FromMilliseconds(250), PongWait = TimeSpan.FromSeconds(2) };

    [Fact]
    public async Task A_client_that_answers_pings_stays_past_the_pong_wait()
    {
        await using var host = await StartAsync(AnsweredKeepAlive);
        int pings = 0;
        var clock = Stopwatch.StartNew();
        await using var peer = await Peer.DialAsync(host.Ws("/ws"), conn => conn.SetPingHandler(async data =>
        {
            Interlocked.Increment(ref pings);
            await conn.WriteControlAsync(MessageType.Pong, data, Limits.Step);
        }));
        // Answered pings over more than the pong wait: if the pongs extended nothing, the server would have dropped
        // the client by then and the pings would have stopped short of ten.
        await Limits.UntilAsync(() => Volatile.Read(ref pings) >= 10 && clock.Elapsed > AnsweredKeepAlive.PongWait * 1.25,
            "ten pings arrived over more than the pong wait");
        Assert.False(peer.Ended.IsCompleted, "the server dropped a client that answered every ping");
        await peer.SendAsync("still here");
        Assert.Equal("still here", await peer.NextAsync());
    }

    [Fact]
    public async Task A_client_that_never_answers_pings_is_dropped_after_the_pong_wait()
    {
        await using var host = await StartAsync(FastKeepAlive);
        int pings = 0;
        var clock = Stopwatch.StartNew();
        await using var peer = await Peer.DialAsync(host.Ws("/ws"), conn => conn.SetPingHandler(_ =>
        {
            Interlocked.Increment(ref pings); // and no pong
            return ValueTask.CompletedTask;
        }));
        await peer.EndAsync();
        Assert.True(clock.Elapsed >= FastKeepAlive.PongWait * 0.9, $"dropped after {clock.Elapsed}");
        Assert.True(pings >= 1, "no ping came before the drop");
    }

    [Fact]
    public async Task Stopping_the_server_closes_every_client_with_1001()
    {
        var host = await StartAsync();
        await using var a = await Peer.DialAsync(host.Ws("/ws"));
        await using var b = await Peer.DialAsync(host.Ws("/ws"));
        await a.SendAsync("ready");
        await b.NextAsync(); // b is registered too

        await host.DisposeAsync();
        Assert.Equal(CloseStatus.GoingAway, CloseMessages.AsClose(await a.EndAsync())?.Code);
        Assert.Equal(CloseStatus.GoingAway, CloseMessages.AsClose(await b.EndAsync())?.Code);
    }
}
