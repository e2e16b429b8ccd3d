using System.Text;
using WebSocketKit.Protocol;
using Xunit;

namespace WebSocketKit.ConnTests;

/// <summary>
/// A server fed bytes that break RFC 6455 answers with the close code the RFC calls for, then
/// closes the TCP connection; the server-side read fails with a typed exception. Nothing hangs.
/// </summary>
public class BadInputTests
{
    private static async Task<(int? Code, Exception ServerError)> FeedAsync(byte[] bytes, ConnectionOptions? options = null)
    {
        using var listener = Loopback.Listen();
        var accept = Loopback.AcceptAsync(listener, new Upgrader { ConnectionOptions = options ?? new ConnectionOptions() });
        await using var peer = await RawPeer.UpgradedAsync(listener.Port());
        await using var server = await accept;
        var reading = Task.Run(async () =>
        {
            while (true) await server.ReadMessageAsync(new CancellationTokenSource(Loopback.Bound).Token);
        });
        await peer.SendAsync(bytes);
        int? code = await peer.ReadCloseCodeAsync();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => reading.WaitAsync(Loopback.Bound));
        return (code, error);
    }

    public static TheoryData<string, byte[], int, ProtocolError> Cases => new()
    {
        { "reserved opcode 3", RawPeer.Frame(0x83, "x"u8), 1002, ProtocolError.ReservedOpcode },
        { "reserved opcode 11", RawPeer.Frame(0x8B, "x"u8), 1002, ProtocolError.ReservedOpcode },
        { "RSV1 without an extension", RawPeer.Frame(0xC2, "x"u8), 1002, ProtocolError.ReservedBitsSet },
        { "ping with 126 bytes", RawPeer.Frame(0x89, new byte[126]), 1002, ProtocolError.ControlFrameTooLong },
        { "fragmented ping", RawPeer.Frame(0x09, "x"u8), 1002, ProtocolError.ControlFrameFragmented },
        { "unmasked client frame", RawPeer.Frame(0x82, "x"u8, masked: false), 1002, ProtocolError.UnmaskedFrameFromClient },
        { "continuation without a start", RawPeer.Frame(0x80, "x"u8), 1002, ProtocolError.ContinuationWithoutStart },
        { "text inside a fragmented text", [.. RawPeer.Frame(0x01, "a"u8), .. RawPeer.Frame(0x81, "b"u8)], 1002, ProtocolError.DataFrameInsideFragmentedMessage },
        { "invalid UTF-8 in text", RawPeer.Frame(0x81, [0x48, 0xC0, 0x80]), 1007, ProtocolError.InvalidUtf8 },
        { "text ending inside a character", RawPeer.Frame(0x81, [0xE2, 0x82]), 1007, ProtocolError.InvalidUtf8 },
        { "invalid UTF-8 in a close reason", RawPeer.Frame(0x88, [0x03, 0xE8, 0xFF]), 1007, ProtocolError.InvalidUtf8 },
        { "one-byte close payload", RawPeer.Frame(0x88, [0x03]), 1002, ProtocolError.ClosePayloadTooShort },
        { "close code 1005 on the wire", RawPeer.Frame(0x88, [0x03, 0xED]), 1002, ProtocolError.InvalidCloseCode },
        { "64-bit length with the top bit set", RawPeer.Frame(0x82, default, declaredLength: long.MaxValue)[..2].Concat(new byte[] { 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4 }).ToArray(), 1002, ProtocolError.LengthTopBitSet },
    };

    [Theory, MemberData(nameof(Cases))]
    public async Task The_server_closes_with_the_code_the_RFC_requires(string what, byte[] bytes, int expectedCode, ProtocolError expectedError)
        => await ClosesWithAsync(what, bytes, expectedCode, expectedError);

    // Behind a good message in the same segment, the bad frame is already buffered when the next read
    // starts: the path that takes whole buffered messages without waiting must refuse it just the same.
    [Theory, MemberData(nameof(Cases))]
    public async Task The_same_holds_when_the_bad_frame_is_already_buffered_behind_a_whole_message(string what, byte[] bytes, int expectedCode, ProtocolError expectedError)
        => await ClosesWithAsync(what, [.. RawPeer.Frame(0x82, "ok"u8), .. bytes], expectedCode, expectedError);

    private static async Task ClosesWithAsync(string what, byte[] bytes, int expectedCode, ProtocolError expectedError)
    {
        var (code, error) = await FeedAsync(bytes);
        Assert.True(expectedCode == code, $"{what}: close code {code}");
        var e = Assert.IsType<WebSocketProtocolException>(error);
        Assert.Equal(expectedError, e.Error);
        Assert.Equal(expectedCode, e.CloseCode);
    }

    [Fact]
    public async Task A_message_over_the_read_limit_is_refused_with_1009_before_its_payload_is_read()
    {
        // Only the header of a 1 MiB frame is sent: the limit is checked on the header.
        var header = RawPeer.Frame(0x82, default, declaredLength: 1 << 20);
        var (code, error) = await FeedAsync(header, new ConnectionOptions { ReadLimit = 64 * 1024 });
        Assert.Equal(1009, code);
        Assert.Equal(ProtocolError.MessageTooBig, Assert.IsType<WebSocketProtocolException>(error).Error);
    }

    [Fact]
    public async Task A_fragmented_message_growing_past_the_limit_is_refused_with_1009()
    {
        var bytes = new List<byte>();
        for (int i = 0; i < 10; i++) bytes.AddRange(RawPeer.Frame(i == 0 ? (byte)0x02 : (byte)0x00, new byte[1000]));
        var (code, _) = await FeedAsync([.. bytes], new ConnectionOptions { ReadLimit = 5000 });
        Assert.Equal(1009, code);
    }

    [Fact]
    public async Task Invalid_UTF_8_fails_fast_before_the_message_ends()
    {
        // The first fragment is already impossible; the message never ends, yet the server closes.
        var (code, _) = await FeedAsync(RawPeer.Frame(0x01, Encoding.UTF8.GetBytes("ok so far ").Concat(new byte[] { 0xF5 }).ToArray()));
        Assert.Equal(1007, code);
    }
}
