using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Autobahn.Runner.Tests;

/// <summary>
/// The client-mode pieces against a real WebSocket server: the echo client sends every message back with its
/// type and answers the close; the control calls read the case count and ask for the reports.
/// </summary>
public class EchoClientTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static async Task<byte[]> ReceiveMessageAsync(WebSocket ws, WebSocketMessageType expected, CancellationToken ct)
    {
        using var all = new MemoryStream();
        var buffer = new byte[8192];
        while (true)
        {
            var r = await ws.ReceiveAsync(buffer, ct);
            Assert.Equal(expected, r.MessageType);
            all.Write(buffer, 0, r.Count);
            if (r.EndOfMessage) return all.ToArray();
        }
    }

    [Theory]
    [InlineData(EchoClients.WebSocketKit, false)]
    [InlineData(EchoClients.WebSocketKit, true)]
    [InlineData(EchoClients.ClientWebSocket, false)]
    [InlineData(EchoClients.ClientWebSocket, true)]
    public async Task Every_message_comes_back_with_its_type_and_the_close_is_answered_with_its_code(string name, bool compression)
    {
        using var cts = new CancellationTokenSource(Bound);
        var text = "fragmented text, \u00e9\u4e2d\U0001F600";
        var binary = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray();
        var seen = new TaskCompletionSource<(string Text, byte[] Binary, WebSocketCloseStatus? Close, string Extensions)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var peer = await WebSocketPeer.StartAsync(async (ctx, ws) =>
        {
            var t = cts.Token;
            var bytes = Encoding.UTF8.GetBytes(text);
            await ws.SendAsync(bytes.AsMemory(0, 5), WebSocketMessageType.Text, endOfMessage: false, t);
            await ws.SendAsync(bytes.AsMemory(5), WebSocketMessageType.Text, endOfMessage: true, t);
            var echoedText = Encoding.UTF8.GetString(await ReceiveMessageAsync(ws, WebSocketMessageType.Text, t));
            await ws.SendAsync(binary, WebSocketMessageType.Binary, endOfMessage: true, t);
            var echoedBinary = await ReceiveMessageAsync(ws, WebSocketMessageType.Binary, t);
            await ws.CloseOutputAsync((WebSocketCloseStatus)4000, "done", t);
            var close = await ws.ReceiveAsync(new byte[16], t);
            Assert.Equal(WebSocketMessageType.Close, close.MessageType);
            seen.SetResult((echoedText, echoedBinary, ws.CloseStatus, ctx.Request.Headers["Sec-WebSocket-Extensions"].ToString()));
        }, compression);

        var client = EchoClients.Create(name, compression);
        await client.RunCaseAsync(SuiteControl.RunCaseUri(peer.BaseUri, 1, client.DefaultAgent), cts.Token);

        var (echoedText, echoedBinary, closeStatus, extensions) = await seen.Task.WaitAsync(cts.Token);
        Assert.Equal(text, echoedText);
        Assert.Equal(binary, echoedBinary);
        Assert.Equal((WebSocketCloseStatus)4000, closeStatus);
        Assert.Equal(compression, extensions.Contains("permessage-deflate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_case_count_is_read_and_reports_are_asked_for_by_agent()
    {
        using var cts = new CancellationTokenSource(Bound);
        var asked = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var peer = await WebSocketPeer.StartAsync(async (ctx, ws) =>
        {
            if (ctx.Request.Path == "/getCaseCount")
            {
                await ws.SendAsync(Encoding.UTF8.GetBytes("517"), WebSocketMessageType.Text, true, cts.Token);
            }
            else if (ctx.Request.Path == "/updateReports")
            {
                asked.SetResult(ctx.Request.Query["agent"].ToString());
            }
            await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
        });

        Assert.Equal(517, await SuiteControl.GetCaseCountAsync(peer.BaseUri, cts.Token));
        await SuiteControl.UpdateReportsAsync(peer.BaseUri, "our client/1.0", cts.Token);
        Assert.Equal("our client/1.0", await asked.Task.WaitAsync(cts.Token));
    }

    [Fact]
    public void A_case_is_asked_for_by_its_index_and_the_escaped_agent()
    {
        var uri = SuiteControl.RunCaseUri(new Uri("ws://127.0.0.1:9001/"), 42, "a b&c");
        Assert.Equal("ws://127.0.0.1:9001/runCase?case=42&agent=a%20b%26c", uri.AbsoluteUri);
    }

    [Fact]
    public async Task Waiting_for_the_suites_port_ends_early_when_the_suite_exits()
    {
        using var cts = new CancellationTokenSource(Bound);
        var exited = Task.FromResult(1L);
        // Port 9 (discard) is not listened on here; the exited suite must end the wait at once, not at the deadline.
        var ex = await Assert.ThrowsAsync<RunnerException>(() => SuiteControl.WaitForPortAsync("127.0.0.1", 9, exited, TimeSpan.FromSeconds(15), cts.Token));
        Assert.Contains("exited before listening", ex.Message);
    }

    [Fact]
    public void The_default_client_is_ours()
    {
        var client = EchoClients.Create(new RunnerOptions().EchoClient!, compression: true);
        Assert.IsType<WebSocketKitEchoClient>(client);
        Assert.Equal("websocketkit-client", client.DefaultAgent);
        Assert.True(client.OffersCompression);
    }

    [Fact]
    public void An_unknown_client_is_a_clear_error()
    {
        var ex = Assert.Throws<RunnerException>(() => EchoClients.Create("nonesuch", compression: false));
        Assert.Contains("websocketkit", ex.Message);
    }
}
