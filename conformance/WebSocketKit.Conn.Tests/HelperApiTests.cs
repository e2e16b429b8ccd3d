using System.Text.Json;
using System.Text.Json.Serialization;
using Xunit;

namespace WebSocketKit.ConnTests;

public record Note(string Who, int Count);

[JsonSerializable(typeof(Note))]
public partial class NoteJson : JsonSerializerContext;

/// <summary>JSON helpers, prepared messages, the read limit and stale readers.</summary>
public class HelperApiTests
{
    private static CancellationToken Bounded() => new CancellationTokenSource(Loopback.Bound).Token;

    [Fact]
    public async Task Json_values_travel_as_text_messages()
    {
        var (server, client) = await Loopback.PairAsync();
        await using var _ = server;
        await using var __ = client;
        await client.WriteJsonAsync(new Note("ана", 3), NoteJson.Default.Note, Bounded());
        Assert.Equal(new Note("ана", 3), await server.ReadJsonAsync(NoteJson.Default.Note, Bounded()));
        await server.WriteMessageAsync(MessageType.Text, "{\"Who\":1"u8.ToArray());
        await Assert.ThrowsAsync<JsonException>(() => client.ReadJsonAsync(NoteJson.Default.Note).AsTask());
        await server.WriteJsonAsync(new Note("b", 4), NoteJson.Default.Note); // the connection is still usable
        Assert.Equal(4, (await client.ReadJsonAsync(NoteJson.Default.Note))!.Count);
    }

    [Fact]
    public async Task A_prepared_message_reaches_server_and_client_connections_alike()
    {
        var (server, client) = await Loopback.PairAsync();
        await using var _ = server;
        await using var __ = client;
        var pm = new PreparedMessage(MessageType.Text, "broadcast"u8.ToArray());
        for (int i = 0; i < 3; i++)
        {
            await server.WritePreparedMessageAsync(pm);
            await client.WritePreparedMessageAsync(pm);
            Assert.Equal((MessageType.Text, "broadcast"), Decode(await client.ReadMessageAsync(Bounded())));
            Assert.Equal((MessageType.Text, "broadcast"), Decode(await server.ReadMessageAsync(Bounded())));
        }
        static (MessageType, string) Decode((MessageType T, byte[] D) m) => (m.T, System.Text.Encoding.UTF8.GetString(m.D));
    }

    [Fact]
    public async Task SetReadLimit_applies_to_the_next_message()
    {
        var (server, client) = await Loopback.PairAsync();
        await using var _ = server;
        await using var __ = client;
        server.SetReadLimit(10);
        await client.WriteMessageAsync(MessageType.Binary, new byte[10]);
        Assert.Equal(10, (await server.ReadMessageAsync(Bounded())).Data.Length);
        await client.WriteMessageAsync(MessageType.Binary, new byte[11]);
        var e = await Assert.ThrowsAsync<WebSocketProtocolException>(() => server.ReadMessageAsync(Bounded()).AsTask());
        Assert.Equal(1009, e.CloseCode);
        var peer = await Assert.ThrowsAsync<CloseException>(() => client.ReadMessageAsync(Bounded()).AsTask());
        Assert.Equal(1009, peer.Code);
    }

    [Fact]
    public async Task A_reader_left_behind_by_NextReaderAsync_refuses_to_read_the_next_message()
    {
        var (server, client) = await Loopback.PairAsync();
        await using var _ = server;
        await using var __ = client;
        await client.WriteMessageAsync(MessageType.Binary, new byte[5000]);
        await client.WriteMessageAsync(MessageType.Binary, new byte[] { 7 });
        var (_, first) = await server.NextReaderAsync(Bounded());
        Assert.Equal(100, await first.ReadAsync(new byte[100]));
        var (_, second) = await server.NextReaderAsync(Bounded()); // skips the rest of the first
        await Assert.ThrowsAsync<InvalidOperationException>(() => first.ReadAsync(new byte[10]).AsTask());
        var buf = new byte[10];
        Assert.Equal(1, await second.ReadAsync(buf));
        Assert.Equal(7, buf[0]);
        Assert.Equal(0, await second.ReadAsync(buf));
    }

    [Fact]
    public void Close_helpers_classify_errors_like_gorilla()
    {
        var normal = new CloseException(1000, "");
        var dropped = new CloseException(1006, "eof");
        Assert.True(CloseMessages.IsCloseError(normal, 1000, 1001));
        Assert.False(CloseMessages.IsUnexpectedCloseError(normal, 1000, 1001));
        Assert.True(CloseMessages.IsUnexpectedCloseError(dropped, 1000, 1001));
        Assert.True(CloseMessages.IsCloseError(new ConnectionClosedException("later", normal), 1000));
        Assert.False(CloseMessages.IsCloseError(new IOException(), 1000));
        Assert.Equal(new byte[] { 0x03, 0xE8, (byte)'o', (byte)'k' }, CloseMessages.Format(1000, "ok"));
        // A long reason is cut to fit 125 bytes, at a character boundary (é is 2 bytes: 61 fit).
        var cut = CloseMessages.Format(1000, new string('é', 100));
        Assert.Equal(2 + 122, cut.Length);
        Assert.Equal(new string('é', 61), System.Text.Encoding.UTF8.GetString(cut, 2, cut.Length - 2));
    }
}
