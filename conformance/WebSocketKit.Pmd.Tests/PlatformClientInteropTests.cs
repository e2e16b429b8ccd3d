using System.Net.WebSockets;
using WebSocketKit.ConnTests;
using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;
using Xunit;

namespace WebSocketKit.PmdTests;

/// <summary>
/// System.Net.WebSockets.ClientWebSocket with DangerousDeflateOptions against our Upgrader and
/// an echoing server Conn: .NET compresses what we inflate and inflates what we compress, for
/// every window and takeover combination .NET can offer (it accepts window bits 9..15).
/// </summary>
public sealed class PlatformClientInteropTests
{
    public static TheoryData<int, int, bool, bool> Combinations()
    {
        var data = new TheoryData<int, int, bool, bool>();
        (int, int)[] windows = [(9, 9), (10, 10), (11, 11), (12, 12), (13, 13), (14, 14), (15, 15), (9, 15), (15, 9), (10, 13)];
        foreach (var (c, s) in windows)
            foreach (bool clientTakeover in new[] { true, false })
                foreach (bool serverTakeover in new[] { true, false })
                    data.Add(c, s, clientTakeover, serverTakeover);
        return data;
    }

    internal static IEnumerable<(WebSocketMessageType Type, byte[] Data)> Messages(int seed)
    {
        var json = Corpus.Json(20_000, seed);
        yield return (WebSocketMessageType.Text, "Hello"u8.ToArray());
        // The same message three times: with takeover the later copies refer back to the first.
        yield return (WebSocketMessageType.Text, json);
        yield return (WebSocketMessageType.Text, json);
        yield return (WebSocketMessageType.Text, json);
        yield return (WebSocketMessageType.Binary, Corpus.Random(50_000, seed));
        yield return (WebSocketMessageType.Binary, []);
        yield return (WebSocketMessageType.Text, Corpus.Json(3_000, seed + 1));
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public async Task Every_window_and_takeover_combination_echoes_through_both_compressors(int clientBits, int serverBits, bool clientTakeover, bool serverTakeover)
    {
        var agreed = await EchoAsync(new WebSocketDeflateOptions
        {
            ClientMaxWindowBits = clientBits,
            ServerMaxWindowBits = serverBits,
            ClientContextTakeover = clientTakeover,
            ServerContextTakeover = serverTakeover,
        }, Messages(clientBits * 100 + serverBits));
        Assert.Equal(new PerMessageDeflateParameters(!serverTakeover, !clientTakeover, serverBits, clientBits), agreed);
    }

    [Theory]
    [InlineData(15, 15, true, true)]
    [InlineData(9, 9, false, false)]
    [InlineData(12, 10, true, false)]
    public async Task Messages_of_several_MiB_echo_intact(int clientBits, int serverBits, bool clientTakeover, bool serverTakeover)
    {
        var big = Corpus.Json(3 << 20, 7);
        await EchoAsync(new WebSocketDeflateOptions
        {
            ClientMaxWindowBits = clientBits,
            ServerMaxWindowBits = serverBits,
            ClientContextTakeover = clientTakeover,
            ServerContextTakeover = serverTakeover,
        }, [(WebSocketMessageType.Text, big), (WebSocketMessageType.Binary, Corpus.Random(2 << 20, 8)), (WebSocketMessageType.Text, big)]);
    }

    [Fact]
    public async Task A_server_that_limits_windows_and_takeover_is_obeyed_by_the_platform_client()
    {
        var options = new PerMessageDeflateOptions { ServerMaxWindowBits = 10, AllowServerContextTakeover = false, AllowClientContextTakeover = false, ClientMaxWindowBits = 11 };
        var agreed = await EchoAsync(new WebSocketDeflateOptions(), Messages(3), options);
        Assert.Equal(new PerMessageDeflateParameters(true, true, 10, 11), agreed);
    }

    private static async Task<PerMessageDeflateParameters?> EchoAsync(WebSocketDeflateOptions deflate,
        IEnumerable<(WebSocketMessageType Type, byte[] Data)> messages, PerMessageDeflateOptions? serverOptions = null)
    {
        using var listener = Loopback.Listen();
        var tap = new TapStream.Log();
        var accept = Peers.AcceptAsync(listener, Peers.CompressingUpgrader(serverOptions), tap);
        using var client = new ClientWebSocket();
        client.Options.DangerousDeflateOptions = deflate;
        using var cts = new CancellationTokenSource(Peers.Bound);
        await client.ConnectAsync(new Uri($"ws://127.0.0.1:{listener.Port()}/"), cts.Token);
        var server = await accept;
        var agreed = server.Compression;
        var echo = Peers.EchoAsync(server);
        var buffer = new byte[64 * 1024];
        var sent = new List<byte[]>();
        foreach (var (type, data) in messages)
        {
            sent.Add(data);
            await client.SendAsync(data, type, true, cts.Token);
            var back = new MemoryStream();
            ValueWebSocketReceiveResult r;
            do
            {
                r = await client.ReceiveAsync(buffer.AsMemory(), cts.Token);
                back.Write(buffer, 0, r.Count);
            } while (!r.EndOfMessage);
            Assert.Equal(type, r.MessageType);
            Assert.True(data.AsSpan().SequenceEqual(back.ToArray()), $"{type} message of {data.Length} bytes came back changed ({back.Length} bytes)");
        }
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cts.Token);
        await echo.WaitAsync(Peers.Bound);
        Assert.NotNull(agreed);
        WireCheck.EveryMessageCompressedWithinTheWindow(tap.ToArray(), Role.Server, agreed, sent);
        return agreed;
    }
}
