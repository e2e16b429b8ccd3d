using WebSocketKit.ConnTests;
using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;
using Xunit;

namespace WebSocketKit.PmdTests;

/// <summary>
/// Our server Conn and our client Conn with permessage-deflate: the per-message switches, the
/// threshold, levels, streamed messages, prepared messages, control frames, and the 256-byte
/// window no zlib can honour. What each side wrote is captured and checked on the wire.
/// </summary>
public sealed class ConnCompressionTests
{
    private sealed record Pair(Conn Server, Conn Client, TapStream.Log ServerWire, TapStream.Log ClientWire) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            await Client.DisposeAsync();
        }

        public List<(Opcode Type, bool Compressed, byte[] Payload)> ServerMessages() => Wire.Messages(ServerWire.ToArray(), Role.Server);
    }

    private static async Task<Pair> PairAsync(PerMessageDeflateOptions? server = null, PerMessageDeflateOptions? offer = null)
    {
        using var listener = Loopback.Listen();
        var serverWire = new TapStream.Log();
        var clientWire = new TapStream.Log();
        var accept = Peers.AcceptAsync(listener, Peers.CompressingUpgrader(server), serverWire);
        var client = await Peers.DialAsync(listener.Port(), offer ?? new PerMessageDeflateOptions(), clientWire);
        return new Pair(await accept, client, serverWire, clientWire);
    }

    private static async Task<byte[]> ReceiveAsync(Conn conn, MessageType expected)
    {
        var (type, data) = await conn.ReadMessageAsync().AsTask().WaitAsync(Peers.Bound);
        Assert.Equal(expected, type);
        return data;
    }

    [Fact]
    public async Task EnableWriteCompression_false_sends_the_next_messages_plain_and_true_compresses_again()
    {
        await using var p = await PairAsync();
        var json = Corpus.Json(5000, 1);
        await p.Server.WriteMessageAsync(MessageType.Text, json);
        p.Server.EnableWriteCompression(false);
        await p.Server.WriteMessageAsync(MessageType.Text, json);
        p.Server.EnableWriteCompression(true);
        await p.Server.WriteMessageAsync(MessageType.Text, json);
        for (int i = 0; i < 3; i++) Assert.Equal(json, await ReceiveAsync(p.Client, MessageType.Text));
        Assert.Equal([true, false, true], p.ServerMessages().Select(m => m.Compressed));
        Assert.Equal(json, p.ServerMessages()[1].Payload);
    }

    [Fact]
    public async Task Messages_below_the_threshold_go_plain_whole_and_streamed()
    {
        await using var p = await PairAsync(server: new PerMessageDeflateOptions { Threshold = 100 });
        var small = Corpus.Json(60, 2)[..60];
        var large = Corpus.Json(300, 2);
        await p.Server.WriteMessageAsync(MessageType.Binary, small);
        await p.Server.WriteMessageAsync(MessageType.Binary, large);
        await using (var w = p.Server.NextWriter(MessageType.Binary)) await w.WriteAsync(small);
        await using (var w = p.Server.NextWriter(MessageType.Binary)) await w.WriteAsync(large);
        foreach (var expected in new[] { small, large, small, large }) Assert.Equal(expected, await ReceiveAsync(p.Client, MessageType.Binary));
        Assert.Equal([false, true, false, true], p.ServerMessages().Select(m => m.Compressed));
    }

    [Fact]
    public async Task SetCompressionLevel_changes_how_hard_the_next_message_is_compressed()
    {
        await using var p = await PairAsync();
        var json = Corpus.Json(40_000, 3);
        p.Server.EnableWriteCompression(true);
        foreach (int level in new[] { 0, 1, 9 })
        {
            p.Server.SetCompressionLevel(level);
            await p.Server.WriteMessageAsync(MessageType.Text, json);
            Assert.Equal(json, await ReceiveAsync(p.Client, MessageType.Text));
        }
        var sizes = p.ServerMessages().Select(m => m.Payload.Length).ToArray();
        Assert.True(sizes[0] >= json.Length, $"level 0 stores: {sizes[0]}");
        Assert.True(sizes[2] < sizes[1] && sizes[1] < sizes[0], string.Join(", ", sizes));
    }

    [Fact]
    public async Task Control_frames_are_never_compressed_and_may_come_between_compressed_fragments()
    {
        await using var p = await PairAsync();
        var pong = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        p.Server.SetPongHandler(data => { pong.TrySetResult(data.ToArray()); return ValueTask.CompletedTask; });
        var big = Corpus.Json(200_000, 4);
        var read = ReceiveAsync(p.Client, MessageType.Text);
        await using (var w = p.Server.NextWriter(MessageType.Text))
        {
            await w.WriteAsync(big.AsMemory(0, 100_000));
            // The writer holds the data side; a ping still goes out between its frames.
            await p.Server.WriteControlAsync(MessageType.Ping, "are you there"u8.ToArray(), TimeSpan.FromSeconds(5));
            await w.WriteAsync(big.AsMemory(100_000));
        }
        Assert.Equal(big, await read);
        var serverRead = p.Server.ReadMessageAsync();
        Assert.Equal("are you there"u8.ToArray(), await pong.Task.WaitAsync(Peers.Bound));
        // Wire.Messages refuses RSV1 on a control frame, so this also checks the ping went out plain.
        var m = Assert.Single(p.ServerMessages());
        Assert.True(m.Compressed);
        await p.Client.CloseAsync();
        await Assert.ThrowsAsync<CloseException>(async () => await serverRead.AsTask().WaitAsync(Peers.Bound));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Prepared_messages_are_compressed_per_connection_window_and_arrive_intact(bool takeover)
    {
        var options = new PerMessageDeflateOptions { AllowServerContextTakeover = takeover, ServerMaxWindowBits = 14 };
        await using var a = await PairAsync(server: options);
        await using var b = await PairAsync(server: options);
        var prepared = new PreparedMessage(MessageType.Text, Corpus.Json(10_000, 5));
        foreach (var p in new[] { a, b })
        {
            await p.Server.WritePreparedMessageAsync(prepared);
            await p.Server.WritePreparedMessageAsync(prepared);
            // The client role masks: a prepared message from a client is compressed and masked too.
            await p.Client.WritePreparedMessageAsync(prepared);
            for (int i = 0; i < 2; i++) Assert.Equal(prepared.Data.ToArray(), await ReceiveAsync(p.Client, MessageType.Text));
            Assert.Equal(prepared.Data.ToArray(), await ReceiveAsync(p.Server, MessageType.Text));
            WireCheck.EveryMessageCompressedWithinTheWindow(p.ServerWire.ToArray(), Role.Server, p.Server.Compression!, [prepared.Data.ToArray(), prepared.Data.ToArray()]);
        }
        var fromA = a.ServerMessages();
        var fromB = b.ServerMessages();
        if (takeover)
        {
            // The second copy refers back into the first through the connection's own window.
            Assert.True(fromA[1].Payload.Length < fromA[0].Payload.Length / 4);
        }
        else
        {
            // Without takeover every copy is the one frame compressed once.
            Assert.Equal(fromA[0].Payload, fromA[1].Payload);
            Assert.Equal(fromA[0].Payload, fromB[0].Payload);
        }
    }

    [Theory]
    [InlineData(8, true)]
    [InlineData(8, false)]
    [InlineData(9, true)]
    public async Task The_smallest_windows_are_honoured_both_ways(int bits, bool takeover)
    {
        var offer = new PerMessageDeflateOptions { ClientMaxWindowBits = bits, ServerMaxWindowBits = bits, AllowClientContextTakeover = takeover, AllowServerContextTakeover = takeover };
        await using var p = await PairAsync(offer: offer);
        Assert.Equal(new PerMessageDeflateParameters(!takeover, !takeover, bits, bits), p.Server.Compression);
        var sent = new List<byte[]>();
        for (int i = 0; i < 5; i++)
        {
            var m = Corpus.Json(5_000 + 20_000 * i, i);
            sent.Add(m);
            await p.Client.WriteMessageAsync(MessageType.Text, m);
            var echoed = await ReceiveAsync(p.Server, MessageType.Text);
            await p.Server.WriteMessageAsync(MessageType.Text, echoed);
            Assert.Equal(m, await ReceiveAsync(p.Client, MessageType.Text));
        }
        WireCheck.EveryMessageCompressedWithinTheWindow(p.ServerWire.ToArray(), Role.Server, p.Server.Compression!, sent);
        WireCheck.EveryMessageCompressedWithinTheWindow(p.ClientWire.ToArray()[(p.ClientWire.ToArray().AsSpan().IndexOf("\r\n\r\n"u8) + 4)..], Role.Client, p.Client.Compression!, sent);
    }

    [Fact]
    public async Task A_partly_read_compressed_message_is_skipped_and_the_next_one_inflates_with_the_shared_window()
    {
        await using var p = await PairAsync();
        var first = Corpus.Json(12_000, 6);
        var second = first.ToArray();
        await p.Server.WriteMessageAsync(MessageType.Text, first);
        await p.Server.WriteMessageAsync(MessageType.Text, second);
        var (_, reader) = await p.Client.NextReaderAsync();
        var part = new byte[1000];
        Assert.Equal(1000, await reader.ReadAtLeastAsync(part, 1000));
        Assert.Equal(first[..1000], part);
        Assert.Equal(second, await ReceiveAsync(p.Client, MessageType.Text));
        // With takeover the second message is mostly references into the first.
        Assert.True(p.ServerMessages()[1].Payload.Length < p.ServerMessages()[0].Payload.Length / 4);
    }
}
