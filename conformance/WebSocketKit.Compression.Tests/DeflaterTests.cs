using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using WebSocketKit.Protocol.Compression;
using Xunit;
using static WebSocketKit.Compression.Tests.InflateDriver;

namespace WebSocketKit.Compression.Tests;

/// <summary>The deflater: RFC 7692 examples, round trips, zlib reading our output, and the window promise.</summary>
public class DeflaterTests
{
    private static byte[] Deflate(MessageDeflater d, ReadOnlySpan<byte> message)
    {
        var buf = new byte[MessageDeflater.GetMaxCompressedLength(message.Length)];
        return buf[..d.Compress(message, buf)];
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Hello_compresses_to_the_RFC_7692_example_bytes(bool zlib)
    {
        using var d = new MessageDeflater(15, contextTakeover: false, preferZlib: zlib);
        Assert.Equal(zlib, d.UsesZlib);
        Assert.Equal(Hex("f2 48 cd c9 c9 07 00"), Deflate(d, "Hello"u8));
        // Without context takeover the second message compresses to the same bytes.
        Assert.Equal(Hex("f2 48 cd c9 c9 07 00"), Deflate(d, "Hello"u8));
    }

    [Fact]
    public void With_context_takeover_zlib_compresses_the_second_Hello_to_the_RFC_example_bytes()
    {
        using var d = new MessageDeflater(15, contextTakeover: true);
        Assert.Equal(Hex("f2 48 cd c9 c9 07 00"), Deflate(d, "Hello"u8));
        Assert.Equal(Hex("f2 00 11 00 00"), Deflate(d, "Hello"u8));
    }

    [Fact]
    public void Window_bits_8_is_served_by_the_managed_deflater_because_zlib_cannot()
    {
        using var d8 = new MessageDeflater(8);
        Assert.False(d8.UsesZlib);
        using var d9 = new MessageDeflater(9);
        Assert.True(d9.UsesZlib);
    }

    [Fact]
    public void An_empty_message_is_a_single_empty_stored_block_header()
    {
        foreach (bool zlib in new[] { true, false })
        {
            using var d = new MessageDeflater(15, preferZlib: zlib);
            var inflater = new Inflater();
            Assert.Equal(Hex("00"), Deflate(d, []));
            Assert.Empty(InflateOk(inflater, Deflate(d, [])));
            Assert.Equal("abc"u8.ToArray(), InflateOk(inflater, Deflate(d, "abc"u8)));
            Assert.Empty(InflateOk(inflater, Deflate(d, [])));
        }
    }

    public static Arbitrary<byte[]> Messages() => Arb.From(Gen.OneOf(
        ArbMap.Default.GeneratorFor<byte[]>(),
        Gen.Choose(0, 3000).Select(n => TestData.Text(n, n)),
        Gen.Choose(0, 70_000).Select(n => TestData.Json(n, n)),
        Gen.Choose(0, 2000).Select(n => Enumerable.Range(0, n).Select(i => (byte)(i % 7 == 0 ? 1 : 0)).ToArray())));

    /// <summary>
    /// inflate(deflate(x)) == x for every window size, takeover mode, level and chunking; our inflater is built
    /// with exactly the negotiated window, so any back-reference further than 2^windowBits fails the test.
    /// </summary>
    [Property(MaxTest = 80, Arbitrary = [typeof(DeflaterTests)])]
    public void Round_trips_within_the_negotiated_window(NonEmptyArray<byte[]> rawMessages, byte bits, bool takeover, byte level, bool zlib, PositiveInt inChunk, PositiveInt outChunk)
    {
        int windowBits = 8 + bits % 8;
        var messages = rawMessages.Get.Take(6).Select((m, i) => i % 2 == 0 ? m : TestData.Text(m.Length * 13 % 4000, i)).ToArray();
        using var d = new MessageDeflater(windowBits, takeover, level: level % 10, preferZlib: zlib);
        var inflater = new Inflater(windowBits, takeover);
        var forZlib = new MemoryStream();
        foreach (var m in messages)
        {
            var payload = Deflate(d, m);
            Assert.Equal(m, InflateOk(inflater, payload, inChunk.Get % 100 + 1, outChunk.Get % 1000 + 1));
            forZlib.Write(payload);
            forZlib.Write(PerMessageDeflate.Tail);
            if (!takeover) Assert.Equal(m, ZlibInflate(payload));
        }
        if (takeover) Assert.Equal(messages.SelectMany(m => m).ToArray(), ZlibInflate(forZlib.ToArray()[..^4]));
    }

    [Theory]
    [InlineData(8, true)]
    [InlineData(8, false)]
    [InlineData(9, true)]
    [InlineData(9, false)]
    [InlineData(12, true)]
    [InlineData(15, true)]
    public void Larger_messages_with_far_repeats_stay_inside_the_window(int windowBits, bool zlib)
    {
        // Repeats 300 and 40000 bytes apart tempt the compressor beyond small windows.
        var chunk = TestData.Random(300, windowBits);
        var data = Enumerable.Repeat(chunk, 150).SelectMany(c => c).Concat(TestData.Text(40_000)).Concat(TestData.Text(40_000)).ToArray();
        using var d = new MessageDeflater(windowBits, contextTakeover: true, preferZlib: zlib);
        var inflater = new Inflater(windowBits, contextTakeover: true);
        for (int i = 0; i < 3; i++)
        {
            var payload = Deflate(d, data);
            Assert.True(payload.Length < data.Length, "repeats compress");
            Assert.Equal(data, InflateOk(inflater, payload));
        }
    }

    [Fact]
    public void The_window_check_catches_a_reference_beyond_the_window()
    {
        // zlib with a 32 KiB window refers 300 bytes back; an inflater limited to 256 bytes must refuse it.
        var chunk = TestData.Random(300, 5);
        var payload = ZlibDeflate([.. chunk, .. chunk]);
        Assert.Equal(InflateStatus.InvalidData, Run(new Inflater(8), payload).status);
        Assert.Equal([.. chunk, .. chunk], InflateOk(new Inflater(9), payload));
    }

    [Fact]
    public void The_level_can_change_between_messages()
    {
        foreach (bool zlib in new[] { true, false })
        {
            using var d = new MessageDeflater(15, contextTakeover: true, preferZlib: zlib);
            var inflater = new Inflater();
            var text = TestData.Text(20_000);
            for (int level = 0; level <= 9; level++)
            {
                d.Level = level;
                var payload = Deflate(d, text);
                if (level == 0) Assert.True(payload.Length > text.Length, "level 0 stores");
                else Assert.True(payload.Length < text.Length / 2, $"level {level} compresses");
                Assert.Equal(text, InflateOk(inflater, payload));
            }
        }
    }

    [Fact]
    public void A_too_small_output_span_is_an_argument_error_and_a_disposed_deflater_refuses_work()
    {
        var d = new MessageDeflater();
        Assert.Throws<ArgumentException>(() => d.Compress(new byte[100], new byte[10]));
        d.Dispose();
        d.Dispose();
        Assert.Throws<ObjectDisposedException>(() => d.Compress([], new byte[64]));
    }
}

/// <summary>Streaming compression: input and output in any chunking give a payload that inflates to the message.</summary>
public class StreamingDeflaterTests
{
    internal static byte[] CompressInPieces(MessageDeflater d, byte[] message, int inChunk, int outChunk)
    {
        var payload = new MemoryStream();
        var output = new byte[outChunk];
        var rest = message.AsSpan();
        while (true)
        {
            var piece = rest[..Math.Min(inChunk, rest.Length)];
            bool last = piece.Length == rest.Length;
            var status = d.Compress(piece, output, last, out int consumed, out int written);
            payload.Write(output, 0, written);
            rest = rest[consumed..];
            if (status == System.Buffers.OperationStatus.Done && last) return payload.ToArray();
            Assert.True(status is System.Buffers.OperationStatus.Done or System.Buffers.OperationStatus.DestinationTooSmall);
        }
    }

    [Property(MaxTest = 60, Arbitrary = [typeof(DeflaterTests)])]
    public void Pieces_in_and_out_make_a_payload_inflating_to_the_message(NonEmptyArray<byte[]> messages, byte bits, bool takeover, bool zlib, PositiveInt inChunk, PositiveInt outChunk)
    {
        int windowBits = 8 + bits % 8;
        using var d = new MessageDeflater(windowBits, takeover, preferZlib: zlib);
        var inflater = new Inflater(windowBits, takeover);
        foreach (var m in messages.Get.Take(4))
        {
            var payload = CompressInPieces(d, m, inChunk.Get % 5000 + 1, outChunk.Get % 200 + 16);
            Assert.Equal(m, InflateOk(inflater, payload));
        }
    }

    [Fact]
    public void The_tail_is_removed_even_when_the_output_ends_inside_it()
    {
        // Output spans of 16..40 bytes put the end of zlib's flush at every offset.
        var message = TestData.Text(3000);
        for (int outChunk = 16; outChunk <= 40; outChunk++)
        {
            using var d = new MessageDeflater(15, contextTakeover: false);
            var payload = CompressInPieces(d, message, 1000, outChunk);
            Assert.False(payload.AsSpan().EndsWith(PerMessageDeflate.Tail), $"output chunk {outChunk}");
            Assert.Equal(message, InflateOk(new Inflater(), payload));
        }
    }
}
