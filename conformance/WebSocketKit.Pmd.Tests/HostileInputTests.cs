using WebSocketKit.ConnTests;
using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;
using Xunit;

namespace WebSocketKit.PmdTests;

/// <summary>
/// Bombs and garbage through a real connection to our compressing server: each gets the close
/// code RFC 6455 and RFC 7692 call for, after bounded work, and the server's read fails with a
/// typed exception. Corrupt or truncated deflate data closes with 1007 (bad payload, as for bad
/// UTF-8); RFC 7692 only says to fail the connection.
/// </summary>
public sealed class HostileInputTests
{
    private const byte FinRsv1Binary = 0xC2, FinRsv1Text = 0xC1;

    private static byte[] Deflate(ReadOnlySpan<byte> message, int level = 6)
    {
        using var d = new MessageDeflater(15, contextTakeover: false, level: level);
        var output = new byte[MessageDeflater.GetMaxCompressedLength(message.Length)];
        return output[..d.Compress(message, output)];
    }

    // Sends frames to a fresh compressing server; returns the server's read failure and the close code it sent.
    private static async Task<(Exception Failure, int? CloseCode, long Delivered)> SendAsync(Upgrader upgrader, string? offer, params byte[][] frames)
    {
        using var listener = Loopback.Listen();
        var accept = Peers.AcceptAsync(listener, upgrader);
        await using var client = await RawClient.ConnectAsync(listener.Port(), offer);
        await using var server = await accept;
        foreach (var f in frames) await client.SendAsync(f);
        long delivered = 0;
        var failure = await Record.ExceptionAsync(async () =>
        {
            var (_, reader) = await server.NextReaderAsync().AsTask().WaitAsync(Peers.Bound);
            var buf = new byte[4096];
            int n;
            while ((n = await reader.ReadAsync(buf).AsTask().WaitAsync(Peers.Bound)) > 0) delivered += n;
        });
        Assert.NotNull(failure);
        var wire = await client.ReadToEndAsync();
        return (failure, Peers.CloseCodeIn(wire), delivered);
    }

    [Fact]
    public async Task A_one_KiB_message_that_inflates_far_past_the_read_limit_gets_1009_after_at_most_limit_bytes()
    {
        const int limit = 16 * 1024;
        var bomb = Deflate(new byte[1 << 20], level: 9);
        Assert.InRange(bomb.Length, 1, 1200);
        var (failure, code, delivered) = await SendAsync(Peers.CompressingUpgrader(readLimit: limit), "permessage-deflate", RawClient.Frame(FinRsv1Binary, bomb));
        Assert.Equal(CloseStatus.MessageTooBig, code);
        var e = Assert.IsType<WebSocketProtocolException>(failure);
        Assert.Equal(CloseStatus.MessageTooBig, e.CloseCode);
        Assert.InRange(delivered, 0, limit);
    }

    [Fact]
    public async Task A_compressed_message_within_the_limit_is_delivered_even_when_its_wire_size_exceeds_the_limit()
    {
        // Random bytes grow a little under deflate: the limit is on the message, not its compressed form.
        const int limit = 8192;
        var message = Corpus.Random(limit, 5);
        var payload = Deflate(message);
        Assert.True(payload.Length > limit);
        using var listener = Loopback.Listen();
        var accept = Peers.AcceptAsync(listener, Peers.CompressingUpgrader(readLimit: limit));
        await using var client = await RawClient.ConnectAsync(listener.Port());
        await using var server = await accept;
        await client.SendAsync(RawClient.Frame(FinRsv1Binary, payload));
        var (type, data) = await server.ReadMessageAsync().AsTask().WaitAsync(Peers.Bound);
        Assert.Equal(MessageType.Binary, type);
        Assert.Equal(message, data);
    }

    [Fact]
    public async Task A_read_limit_lowered_while_a_compressed_message_is_read_applies_to_its_next_inflated_bytes()
    {
        using var listener = Loopback.Listen();
        var accept = Peers.AcceptAsync(listener, Peers.CompressingUpgrader());
        await using var client = await RawClient.ConnectAsync(listener.Port());
        await using var server = await accept;
        await client.SendAsync(RawClient.Frame(FinRsv1Text, Deflate(Corpus.Json(200_000, 9))));
        var (_, reader) = await server.NextReaderAsync().AsTask().WaitAsync(Peers.Bound);
        var buf = new byte[1000];
        long delivered = await reader.ReadAtLeastAsync(buf, buf.Length).AsTask().WaitAsync(Peers.Bound);
        server.SetReadLimit(50_000);
        var e = await Assert.ThrowsAsync<WebSocketProtocolException>(async () =>
        {
            int n;
            while ((n = await reader.ReadAsync(buf).AsTask().WaitAsync(Peers.Bound)) > 0) delivered += n;
        });
        Assert.Equal(CloseStatus.MessageTooBig, e.CloseCode);
        Assert.InRange(delivered, 1000, 50_000);
        Assert.Equal(CloseStatus.MessageTooBig, Peers.CloseCodeIn(await client.ReadToEndAsync()));
    }

    [Fact]
    public async Task A_plain_message_over_the_limit_on_a_compressing_connection_gets_1009_at_its_header()
    {
        var (failure, code, delivered) = await SendAsync(Peers.CompressingUpgrader(readLimit: 1000), "permessage-deflate", RawClient.Frame(0x82, new byte[1001]));
        Assert.Equal(CloseStatus.MessageTooBig, code);
        Assert.IsType<WebSocketProtocolException>(failure);
        Assert.Equal(0, delivered);
    }

    public static TheoryData<string, byte[]> Garbage() => new()
    {
        { "truncated inside a block", Deflate("Hello, hello, hello, permessage-deflate"u8)[..5] },
        { "block type 3 (reserved)", [0xFF, 0xFF, 0xFF, 0xFF] },
        { "stored block whose LEN and NLEN disagree", [0x00, 0x05, 0x00, 0x00, 0x00, 0x41] },
        { "a distance before the start of the stream", [0x02, 0x02, 0x00, 0x00] },
        { "a reference into an empty window", [0xF2, 0x00, 0x11, 0x00, 0x00] },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task Compressed_data_that_does_not_inflate_closes_with_1007(string why, byte[] payload)
    {
        var (failure, code, _) = await SendAsync(Peers.CompressingUpgrader(), "permessage-deflate", RawClient.Frame(FinRsv1Binary, payload));
        Assert.True(code == CloseStatus.InvalidPayloadData, $"{why}: close {code}");
        var e = Assert.IsType<WebSocketProtocolException>(failure);
        Assert.Equal(ProtocolError.InvalidCompressedData, e.Error);
    }

    [Fact]
    public async Task Text_that_is_invalid_UTF8_once_inflated_closes_with_1007()
    {
        var (failure, code, _) = await SendAsync(Peers.CompressingUpgrader(), "permessage-deflate",
            RawClient.Frame(FinRsv1Text, Deflate([(byte)'o', (byte)'k', 0xC3, 0x28])));
        Assert.Equal(CloseStatus.InvalidPayloadData, code);
        Assert.Equal(ProtocolError.InvalidUtf8, Assert.IsType<WebSocketProtocolException>(failure).Error);
    }

    [Fact]
    public async Task RSV1_on_a_control_frame_closes_with_1002()
    {
        var (failure, code, _) = await SendAsync(Peers.CompressingUpgrader(), "permessage-deflate", RawClient.Frame(0xC9, "ping"u8));
        Assert.Equal(CloseStatus.ProtocolError, code);
        Assert.Equal(ProtocolError.ReservedBitsSet, Assert.IsType<WebSocketProtocolException>(failure).Error);
    }

    [Fact]
    public async Task RSV1_on_a_continuation_frame_closes_with_1002()
    {
        var whole = Deflate(Corpus.Json(2000, 1));
        var (failure, code, _) = await SendAsync(Peers.CompressingUpgrader(), "permessage-deflate",
            RawClient.Frame(0x42, whole.AsSpan(0, 100)), RawClient.Frame(0xC0, whole.AsSpan(100)));
        Assert.Equal(CloseStatus.ProtocolError, code);
        Assert.Equal(ProtocolError.ReservedBitsSet, Assert.IsType<WebSocketProtocolException>(failure).Error);
    }

    [Theory]
    [InlineData(false, "permessage-deflate")]
    [InlineData(true, null)]
    public async Task RSV1_when_the_extension_was_not_negotiated_closes_with_1002(bool serverEnables, string? offer)
    {
        var upgrader = serverEnables ? Peers.CompressingUpgrader() : new Upgrader();
        var (failure, code, _) = await SendAsync(upgrader, offer, RawClient.Frame(FinRsv1Binary, Deflate("Hello"u8)));
        Assert.Equal(CloseStatus.ProtocolError, code);
        Assert.Equal(ProtocolError.ReservedBitsSet, Assert.IsType<WebSocketProtocolException>(failure).Error);
    }
}
