using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;
using Xunit;
using static WebSocketKit.Compression.Tests.InflateDriver;

namespace WebSocketKit.Compression.Tests;

/// <summary>Hostile input: decompression bombs against the limit, truncated, corrupted and random streams.</summary>
public class BombAndCorruptionTests
{
    /// <summary>
    /// A fixed-Huffman block: one zero literal, then length-258 distance-1 matches (13 bits each) until
    /// <paramref name="inflatedSize"/> bytes; about 1/1000 of the size it inflates to.
    /// </summary>
    private static byte[] Bomb(long inflatedSize)
    {
        var bytes = new List<byte>();
        ulong bits = 0;
        int count = 0;
        void Put(uint value, int n)
        {
            bits |= (ulong)value << count;
            count += n;
            while (count >= 8) { bytes.Add((byte)bits); bits >>= 8; count -= 8; }
        }
        Put(0b010, 3);          // BFINAL 0, BTYPE fixed
        Put(0b00001100, 8);     // literal 0: code 00110000, sent MSB first
        for (long made = 1; made + 258 <= inflatedSize; made += 258)
        {
            Put(0b10100011, 8); // length 258: symbol 285, code 11000101 reversed
            Put(0, 5);          // distance 1
        }
        Put(0, 7);              // end of block
        Put(0, 3);              // empty stored block header; the receiver's tail supplies LEN/NLEN
        if (count > 0) Put(0, 8 - count);
        return bytes.ToArray();
    }

    [Fact]
    public void A_bomb_of_1_GiB_fails_with_MessageTooBig_after_at_most_the_1_MiB_limit()
    {
        var payload = Bomb(1L << 30);
        Assert.InRange(payload.Length, 1 << 20, 8 << 20); // small next to what it inflates to
        const long limit = 1 << 20;
        var inflater = new Inflater(15, true, maxMessageSize: limit);
        var output = new byte[64 * 1024];
        long produced = 0, consumed = 0;
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var started = System.Diagnostics.Stopwatch.StartNew();
        InflateStatus status;
        while (true)
        {
            status = inflater.Inflate(payload.AsSpan((int)consumed), output, out int c, out int w);
            consumed += c;
            produced += w;
            if (status != InflateStatus.OutputFull) break;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.Equal(InflateStatus.MessageTooBig, status);
        Assert.Equal(ProtocolError.MessageTooBig, inflater.Error);
        Assert.Equal(CloseStatus.MessageTooBig, ProtocolErrors.CloseCode(inflater.Error));
        Assert.Equal(limit, produced);
        Assert.True(consumed < 8 * 1024, $"stopped early in the input ({consumed} bytes read)");
        Assert.True(allocated < 64 * 1024, $"no per-message allocation ({allocated} bytes)");
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), "bounded time");
        // Every later call repeats the failure without producing anything.
        Assert.Equal(InflateStatus.MessageTooBig, inflater.Inflate(payload, output, out _, out int again));
        Assert.Equal(0, again);
    }

    [Fact]
    public void A_message_of_exactly_the_limit_passes_and_one_byte_more_fails()
    {
        var data = TestData.Text(10_000);
        var payload = ZlibDeflate(data);
        Assert.Equal(data, InflateOk(new Inflater(maxMessageSize: 10_000), payload, outChunk: 333));
        Assert.Equal(InflateStatus.MessageTooBig, Run(new Inflater(maxMessageSize: 9_999), payload, outChunk: 333).status);
        // The limit is per message: many messages together may exceed it.
        var inflater = new Inflater(maxMessageSize: 10_000);
        for (int i = 0; i < 3; i++) Assert.Equal(data, InflateOk(inflater, payload));
    }

    [Fact]
    public void The_bomb_inflates_completely_when_the_limit_allows_it()
    {
        var payload = Bomb(4 << 20);
        var (status, output) = Run(new Inflater(), payload, outChunk: 1 << 16);
        Assert.Equal(InflateStatus.MessageComplete, status);
        Assert.True(output.Length > (4 << 20) - 300 && output.All(b => b == 0));
    }

    [Theory]
    [InlineData("07", "block type 11 is reserved")]
    [InlineData("00 05 00 fb ff 48 65 6c 6c 6f", "stored LEN and NLEN disagree")]
    [InlineData("02 02 00 00", "a distance before the start of the stream")]
    [InlineData("f2 00 11 00 00", "a reference into a window that is empty")]
    [InlineData("fc ff 00", "a dynamic header with more than 286 literal/length codes")]
    public void Invalid_streams_give_InvalidCompressedData(string hex, string why)
    {
        var inflater = new Inflater();
        var (status, _) = Run(inflater, Hex(hex));
        Assert.True(status == InflateStatus.InvalidData, why);
        Assert.Equal(ProtocolError.InvalidCompressedData, inflater.Error);
    }

    [Fact]
    public void Every_truncation_of_a_message_is_invalid_or_a_prefix_of_it()
    {
        var data = TestData.Json(3000);
        var payload = ZlibDeflate(data);
        for (int cut = 0; cut < payload.Length; cut++)
        {
            var (status, output) = Run(new Inflater(), payload.AsSpan(0, cut), inChunk: 5, outChunk: 100);
            Assert.True(status == InflateStatus.InvalidData || (status == InflateStatus.MessageComplete && data.AsSpan().StartsWith(output)), $"cut at {cut}: {status}");
        }
    }

    [Property(MaxTest = 300)]
    public void Random_bytes_only_ever_give_a_typed_result(byte[] garbage, PositiveInt inChunk, PositiveInt outChunk, byte bits)
    {
        var inflater = new Inflater(8 + bits % 8, maxMessageSize: 1 << 20);
        var (status, output) = Run(inflater, garbage, inChunk.Get % 50 + 1, outChunk.Get % 300 + 1);
        Assert.True(output.Length <= 1 << 20);
        Assert.True(status is InflateStatus.MessageComplete or InflateStatus.InvalidData or InflateStatus.MessageTooBig, status.ToString());
    }

    [Property(MaxTest = 200)]
    public void Flipped_bits_in_a_valid_payload_only_ever_give_a_typed_result(PositiveInt position, byte mask, PositiveInt inChunk)
    {
        var data = TestData.Text(5000);
        var payload = ZlibDeflate(data);
        payload[position.Get % payload.Length] ^= (byte)(mask | 1);
        var (status, _) = Run(new Inflater(maxMessageSize: 1 << 20), payload, inChunk.Get % 64 + 1, 512);
        Assert.True(status is InflateStatus.MessageComplete or InflateStatus.InvalidData or InflateStatus.MessageTooBig, status.ToString());
    }
}
