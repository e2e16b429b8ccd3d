using System.Net.WebSockets;
using System.Security.Cryptography;
using Xunit;

namespace WebSocketKit.ConnTests;

/// <summary>
/// The platform's own client, System.Net.WebSockets.ClientWebSocket, against our Upgrader and
/// server Conn (through the echo server), over real TCP on 127.0.0.1.
/// </summary>
public class PlatformClientInteropTests : IAsyncLifetime
{
    private EchoServer.EchoServer _server = null!;

    public Task InitializeAsync()
    {
        _server = new EchoServer.EchoServer(0, new Upgrader { Subprotocols = ["echo.v2", "echo.v1"] });
        _server.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<ClientWebSocket> ConnectAsync(params string[] protocols)
    {
        var ws = new ClientWebSocket();
        foreach (var p in protocols) ws.Options.AddSubProtocol(p);
        using var cts = new CancellationTokenSource(Loopback.Bound);
        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{_server.Port}/any/path?x=1"), cts.Token);
        return ws;
    }

    private static async Task<(WebSocketMessageType, byte[])> ReceiveWholeAsync(ClientWebSocket ws)
    {
        using var cts = new CancellationTokenSource(Loopback.Bound);
        var ms = new MemoryStream();
        var buf = new byte[64 * 1024];
        while (true)
        {
            var r = await ws.ReceiveAsync(buf, cts.Token);
            ms.Write(buf, 0, r.Count);
            if (r.EndOfMessage) return (r.MessageType, ms.ToArray());
        }
    }

    [Theory]
    [InlineData(0), InlineData(1), InlineData(125), InlineData(126), InlineData(65535), InlineData(65536), InlineData(1 << 20), InlineData(16 << 20)]
    public async Task Binary_messages_of_every_length_class_echo_unchanged(int size)
    {
        using var ws = await ConnectAsync();
        var data = RandomNumberGenerator.GetBytes(size);
        using var cts = new CancellationTokenSource(Loopback.Bound);
        await ws.SendAsync(data, WebSocketMessageType.Binary, true, cts.Token);
        var (type, echoed) = await ReceiveWholeAsync(ws);
        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal(data, echoed);
    }

    [Fact]
    public async Task Text_sent_in_fragments_split_inside_characters_echoes_as_one_text_message()
    {
        using var ws = await ConnectAsync();
        var text = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("κόσμε 🌍 ", 500)));
        using var cts = new CancellationTokenSource(Loopback.Bound);
        for (int i = 0; i < text.Length; i += 7)
            await ws.SendAsync(text.AsMemory(i, Math.Min(7, text.Length - i)), WebSocketMessageType.Text, i + 7 >= text.Length, cts.Token);
        var (type, echoed) = await ReceiveWholeAsync(ws);
        Assert.Equal(WebSocketMessageType.Text, type);
        Assert.Equal(text, echoed);
    }

    [Fact]
    public async Task The_server_chooses_its_preferred_subprotocol_among_the_client_offers()
    {
        using var ws = await ConnectAsync("echo.v1", "echo.v2");
        Assert.Equal("echo.v2", ws.SubProtocol);
    }

    [Theory]
    [InlineData(1000), InlineData(1001), InlineData(1003), InlineData(1008), InlineData(1011), InlineData(3000), InlineData(4999)]
    public async Task A_close_from_the_platform_client_is_echoed_with_its_code(int code)
    {
        using var ws = await ConnectAsync();
        using var cts = new CancellationTokenSource(Loopback.Bound);
        await ws.CloseAsync((WebSocketCloseStatus)code, "bye", cts.Token);
        Assert.Equal(WebSocketState.Closed, ws.State);
        Assert.Equal((WebSocketCloseStatus)code, ws.CloseStatus);
    }

    [Fact]
    public async Task Many_messages_in_a_row_keep_their_order()
    {
        using var ws = await ConnectAsync();
        using var cts = new CancellationTokenSource(Loopback.Bound);
        for (int i = 0; i < 200; i++)
        {
            await ws.SendAsync(BitConverter.GetBytes(i), WebSocketMessageType.Binary, true, cts.Token);
            var (_, echoed) = await ReceiveWholeAsync(ws);
            Assert.Equal(i, BitConverter.ToInt32(echoed));
        }
    }
}
