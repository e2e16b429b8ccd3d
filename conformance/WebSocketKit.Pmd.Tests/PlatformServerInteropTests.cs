using System.Net.Sockets;
using System.Net.WebSockets;
using WebSocketKit.ConnTests;
using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;
using WebSocketKit.Protocol.Handshake;
using Xunit;

namespace WebSocketKit.PmdTests;

/// <summary>
/// Our client-role Conn against a System.Net.WebSockets server made with
/// WebSocket.CreateFromStream and DangerousDeflateOptions after a hand-made 101: .NET inflates
/// what our client compresses (with zlib at exactly the agreed window) and the reverse.
/// </summary>
public sealed class PlatformServerInteropTests
{
    public static TheoryData<int, int, bool, bool> Combinations() => PlatformClientInteropTests.Combinations();

    [Theory]
    [MemberData(nameof(Combinations))]
    public async Task Every_window_and_takeover_combination_echoes_through_both_compressors(int clientBits, int serverBits, bool clientTakeover, bool serverTakeover)
    {
        var offer = new PerMessageDeflateOptions
        {
            ClientMaxWindowBits = clientBits,
            ServerMaxWindowBits = serverBits,
            AllowClientContextTakeover = clientTakeover,
            AllowServerContextTakeover = serverTakeover,
        };
        var messages = PlatformClientInteropTests.Messages(clientBits * 7 + serverBits).Select(m => ((MessageType)m.Type + 1, m.Data)).ToList();
        var agreed = await EchoAsync(offer, async conn =>
        {
            foreach (var (type, data) in messages)
            {
                await conn.WriteMessageAsync(type, data);
                var (backType, back) = await conn.ReadMessageAsync();
                Assert.Equal(type, backType);
                Assert.True(data.AsSpan().SequenceEqual(back), $"{type} message of {data.Length} bytes came back changed");
            }
            return messages.Select(m => m.Data).ToList();
        });
        Assert.Equal(new PerMessageDeflateParameters(!serverTakeover, !clientTakeover, serverBits, clientBits), agreed);
    }

    [Theory]
    [InlineData(15, true)]
    [InlineData(9, false)]
    public async Task A_streamed_message_of_several_MiB_goes_out_in_compressed_frames_and_comes_back_through_a_reader(int bits, bool takeover)
    {
        var offer = new PerMessageDeflateOptions { ClientMaxWindowBits = bits, ServerMaxWindowBits = bits, AllowClientContextTakeover = takeover, AllowServerContextTakeover = takeover };
        var big = Corpus.Json(3 << 20, 11);
        await EchoAsync(offer, async conn =>
        {
            for (int round = 0; round < 2; round++)
            {
                await using (var writer = conn.NextWriter(MessageType.Text))
                {
                    for (int at = 0; at < big.Length; at += 10_000)
                        await writer.WriteAsync(big.AsMemory(at, Math.Min(10_000, big.Length - at)));
                }
                var (type, reader) = await conn.NextReaderAsync();
                Assert.Equal(MessageType.Text, type);
                var back = new MemoryStream();
                await reader.CopyToAsync(back, 7_000);
                Assert.True(big.AsSpan().SequenceEqual(back.ToArray()));
            }
            return [big, big];
        });
    }

    // Runs a .NET server that echoes every message, dials it with our client offering
    // offer, runs the client part, closes, and checks our client's frames on the wire.
    private static async Task<PerMessageDeflateParameters> EchoAsync(PerMessageDeflateOptions offer, Func<Conn, Task<List<byte[]>>> client)
    {
        using var listener = Loopback.Listen();
        var agreedByServer = new TaskCompletionSource<PerMessageDeflateParameters>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = PlatformEchoServerAsync(listener, agreedByServer);
        var tap = new TapStream.Log();
        var conn = await Peers.DialAsync(listener.Port(), offer, tap);
        var agreed = conn.Compression;
        Assert.NotNull(agreed);
        Assert.Equal(await agreedByServer.Task.WaitAsync(Peers.Bound), agreed);
        var sent = await client(conn);
        await conn.CloseAsync();
        await server.WaitAsync(Peers.Bound);
        WireCheck.EveryMessageCompressedWithinTheWindow(tap.ToArray(), Role.Client, agreed, sent);
        return agreed;
    }

    private static async Task PlatformEchoServerAsync(TcpListener listener, TaskCompletionSource<PerMessageDeflateParameters> agreed)
    {
        using var socket = await listener.AcceptSocketAsync().WaitAsync(Peers.Bound);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var request = await Peers.ReadRequestAsync(stream);
        var offers = request.Headers.Where(h => h.Key.Equals("Sec-WebSocket-Extensions", StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);
        // The server's answer: the offer as made (the defaults accept anything).
        Assert.True(PerMessageDeflateNegotiation.TryAcceptOffer(offers, new PerMessageDeflateOptions(), out var p, out var answer));
        await stream.WriteAsync(ServerHandshake.BuildAccept(request.Headers.Get("Sec-WebSocket-Key")!, null, answer));
        agreed.SetResult(p!);
        using var ws = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions
        {
            IsServer = true,
            DangerousDeflateOptions = new WebSocketDeflateOptions
            {
                ClientMaxWindowBits = p!.ClientMaxWindowBits,
                ServerMaxWindowBits = p.ServerMaxWindowBits,
                ClientContextTakeover = !p.ClientNoContextTakeover,
                ServerContextTakeover = !p.ServerNoContextTakeover,
            },
        });
        using var cts = new CancellationTokenSource(Peers.Bound);
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        while (true)
        {
            var r = await ws.ReceiveAsync(buffer.AsMemory(), cts.Token);
            if (r.MessageType == WebSocketMessageType.Close)
            {
                await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
                return;
            }
            message.Write(buffer, 0, r.Count);
            if (!r.EndOfMessage) continue;
            await ws.SendAsync(message.ToArray(), r.MessageType, true, cts.Token);
            message.SetLength(0);
        }
    }
}
