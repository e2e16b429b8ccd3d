using System.IO.Compression;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;
using Xunit;
using static WebSocketKit.Compression.Tests.InflateDriver;

namespace WebSocketKit.Compression.Tests;

/// <summary>
/// The inflater decodes far from the ends of its spans with a fast loop and near them with a careful one.
/// Whatever the chunking, where the switch happens must not show: the output is zlib's, byte for byte,
/// nothing outside the given spans is touched, and bad distances are refused in both loops.
/// </summary>
public class InflaterFastLoopTests
{
    private static byte[] Data(string kind, int size, int seed) => kind switch
    {
        "text" => TestData.Text(size, seed),
        "json" => TestData.Json(size, seed),
        "runs" => Enumerable.Range(0, size).Select(i => (byte)((i / (1 + seed % 7)) % 3)).ToArray(),
        "skewed" => Skewed(size, seed),
        _ => TestData.Random(size, seed),
    };

    // Byte frequencies in Fibonacci proportions, shuffled: the Huffman code zlib builds for them runs to its
    // 15-bit limit, so the tables need sub-tables.
    private static byte[] Skewed(int size, int seed)
    {
        var rnd = new Random(seed);
        var weights = new List<int> { 1, 1 };
        while (weights.Count < 25) weights.Add(weights[^1] + weights[^2]);
        long total = weights.Sum(w => (long)w);
        var data = new byte[size];
        for (int i = 0; i < size; i++)
        {
            long pick = rnd.NextInt64(total);
            int s = 0;
            while (pick >= weights[s]) pick -= weights[s++];
            data[i] = (byte)(s * 7);
        }
        return data;
    }

    public static readonly string[] Kinds = ["text", "json", "runs", "skewed", "random"];

    [Property(MaxTest = 40)]
    public void Messages_compressed_by_zlib_at_level_1_or_9_inflate_exactly_in_random_pieces_for_every_window(
        int seed, byte windowChoice, bool fastest, bool takeover, byte kindChoice)
    {
        int windowBits = 9 + windowChoice % 7;
        int level = fastest ? 1 : 9;
        var rnd = new Random(seed);
        using var deflater = new MessageDeflater(windowBits, takeover, level);
        var inflater = new Inflater(windowBits, takeover);
        var stream = new MemoryStream(); // all payloads with their tails: one DEFLATE stream when taking over
        var messages = new List<byte[]>();
        for (int m = 0; m < 3; m++)
        {
            var message = Data(Kinds[(kindChoice + m) % Kinds.Length], rnd.Next(0, 12_000), rnd.Next());
            var payload = Compress(deflater, message);
            Assert.Equal(message, InflateInRandomPieces(inflater, payload, rnd));
            if (!takeover) Assert.Equal(message, ZlibInflate(payload));
            stream.Write(payload);
            stream.Write(PerMessageDeflate.Tail);
            messages.Add(message);
        }
        if (takeover) Assert.Equal(messages.SelectMany(m => m).ToArray(), ZlibInflateStream(stream.ToArray()));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 273)]
    [InlineData(8, 274)]
    [InlineData(9, 275)]
    [InlineData(16, 258 + 32)]
    [InlineData(int.MaxValue, 1 << 20)]
    public void Zlib_level_1_and_9_output_inflates_with_chunks_at_the_fast_loop_margins(int inChunk, int outChunk)
    {
        foreach (var level in new[] { CompressionLevel.Fastest, CompressionLevel.SmallestSize })
            foreach (var kind in Kinds)
            {
                var data = Data(kind, 40_000, 5);
                Assert.Equal(data, InflateOk(new Inflater(), ZlibDeflate(data, level), inChunk, outChunk));
            }
    }

    [Fact]
    public void Small_messages_referring_back_across_the_wrap_of_a_small_window_inflate_exactly()
    {
        // 512-byte window, messages of 50..700 bytes: matches start in the window, wrap around its end and
        // continue into the message itself.
        var rnd = new Random(11);
        using var deflater = new MessageDeflater(9, contextTakeover: true, level: 6);
        var inflater = new Inflater(9, contextTakeover: true);
        for (int i = 0; i < 300; i++)
        {
            var message = TestData.Json(50 + rnd.Next(650), seed: i % 4);
            Assert.Equal(message, InflateInRandomPieces(inflater, Compress(deflater, message), rnd));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(int.MaxValue)]
    public void A_distance_before_the_start_of_the_data_is_invalid_however_the_input_is_cut(int inChunk)
    {
        // 300 literals, then a match 301 back with plenty of input after it, so the fast loop meets it
        // when the input comes whole.
        var block = new FixedBlock();
        for (int i = 0; i < 300; i++) block.Literal((byte)('a' + i % 26));
        block.Match(10, 301);
        for (int i = 0; i < 100; i++) block.Literal((byte)'z');
        var inflater = new Inflater();
        var (status, output) = Run(inflater, block.End(), inChunk, outChunk: 1 << 16);
        Assert.Equal(InflateStatus.InvalidData, status);
        Assert.Equal(ProtocolError.InvalidCompressedData, inflater.Error);
        Assert.True(output.Length <= 300, "nothing of the bad match is delivered");
    }

    [Theory]
    [InlineData(9, 600, false)]
    [InlineData(10, 600, true)]
    [InlineData(9, 512, true)]
    [InlineData(9, 513, false)]
    public void A_distance_beyond_the_window_is_invalid_even_with_the_data_at_hand(int windowBits, int distance, bool valid)
    {
        var block = new FixedBlock();
        for (int i = 0; i < 1000; i++) block.Literal((byte)(i * 31));
        block.Match(20, distance);
        for (int i = 0; i < 100; i++) block.Literal((byte)'z');
        var (status, output) = Run(new Inflater(windowBits), block.End(), outChunk: 1 << 16);
        Assert.Equal(valid ? InflateStatus.MessageComplete : InflateStatus.InvalidData, status);
        if (valid) Assert.Equal(output.AsSpan(1000 - distance, 20).ToArray(), output.AsSpan(1000, 20).ToArray());
    }

    [Theory]
    [InlineData(100, 100, true)]
    [InlineData(100, 101, false)]
    [InlineData(40, 41, false)]
    public void A_match_may_reach_back_into_the_previous_message_only_as_far_as_it_went(int firstLength, int back, bool valid)
    {
        var inflater = new Inflater(15, contextTakeover: true);
        var first = new FixedBlock();
        for (int i = 0; i < firstLength; i++) first.Literal((byte)('A' + i % 26));
        Assert.Equal(InflateStatus.MessageComplete, Run(inflater, first.End()).status);
        // 10 literals, then a match starting `back` bytes before this message.
        var second = new FixedBlock();
        for (int i = 0; i < 10; i++) second.Literal((byte)'-');
        second.Match(30, back + 10);
        for (int i = 0; i < 100; i++) second.Literal((byte)'z');
        var (status, output) = Run(inflater, second.End(), outChunk: 1 << 16);
        Assert.Equal(valid ? InflateStatus.MessageComplete : InflateStatus.InvalidData, status);
        if (valid) Assert.Equal("ABCDEFGHIJKLMNOPQRSTUVWXYZABCD"u8.ToArray(), output.AsSpan(10, 30).ToArray());
    }

    [Theory]
    [InlineData(330, 200)] // wraps around the end of the window's ring
    [InlineData(20, 100)]  // runs on from the window into the message itself
    [InlineData(188, 50)]  // ends at the newest byte of the window
    [InlineData(502, 258)] // a distance of 512, as far as the window reaches
    public void Matches_reaching_into_a_wrapped_window_copy_exactly(int back, int length)
    {
        // A 512-byte window after a 700-byte message: its ring has wrapped, the newest byte at offset 187.
        var inflater = new Inflater(9, contextTakeover: true);
        var history = new FixedBlock();
        var first = Enumerable.Range(0, 700).Select(i => (byte)(i * 7 + i / 50)).ToArray();
        foreach (var b in first) history.Literal(b);
        Assert.Equal(first, InflateOk(inflater, history.End()));
        var block = new FixedBlock();
        for (int i = 0; i < 10; i++) block.Literal((byte)'-');
        block.Match(length, back + 10);
        for (int i = 0; i < 300; i++) block.Literal((byte)'z');
        var stream = new List<byte>(first);
        stream.AddRange(Enumerable.Repeat((byte)'-', 10));
        for (int k = 0; k < length; k++) stream.Add(stream[^(back + 10)]);
        stream.AddRange(Enumerable.Repeat((byte)'z', 300));
        Assert.Equal(stream.Skip(700).ToArray(), InflateOk(inflater, block.End(), outChunk: 1 << 16));
    }

    [Property(MaxTest = 30)]
    public void Corrupted_level_1_payloads_give_a_typed_result_in_random_pieces(int seed, PositiveInt position, byte mask)
    {
        var rnd = new Random(seed);
        var payload = ZlibDeflate(TestData.Json(20_000, seed & 3), CompressionLevel.Fastest);
        payload[position.Get % payload.Length] ^= (byte)(mask | 1);
        var inflater = new Inflater(9 + (seed & 7) % 7, maxMessageSize: 1 << 20);
        var (status, _) = RunInRandomPieces(inflater, payload, rnd);
        Assert.True(status is InflateStatus.MessageComplete or InflateStatus.InvalidData or InflateStatus.MessageTooBig, status.ToString());
    }

    private static byte[] Compress(MessageDeflater deflater, byte[] message)
    {
        var buffer = new byte[MessageDeflater.GetMaxCompressedLength(message.Length)];
        return buffer[..deflater.Compress(message, buffer)];
    }

    private static byte[] ZlibInflateStream(byte[] stream)
    {
        using var ds = new DeflateStream(new MemoryStream(stream), CompressionMode.Decompress);
        var output = new MemoryStream();
        ds.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] InflateInRandomPieces(Inflater inflater, byte[] payload, Random rnd)
    {
        var (status, output) = RunInRandomPieces(inflater, payload, rnd);
        Assert.Equal(InflateStatus.MessageComplete, status);
        return output;
    }

    // Input and output pieces of changing sizes, small ones and ones around the fast loop's margins among
    // them. Each output piece sits between guard bytes that must stay as they were.
    private static (InflateStatus, byte[]) RunInRandomPieces(Inflater inflater, byte[] payload, Random rnd)
    {
        const int Guard = 64;
        var produced = new MemoryStream();
        var buffer = new byte[Guard + 70_000 + Guard];
        int Size(int big) => rnd.Next(4) switch { 0 => rnd.Next(1, 20), 1 => rnd.Next(250, 300), 2 => rnd.Next(1, 2000), _ => big };
        int pos = 0;
        InflateStatus status;
        while (true)
        {
            var output = Piece(Size(70_000));
            int take = Math.Min(Size(payload.Length), payload.Length - pos);
            status = inflater.Inflate(payload.AsSpan(pos, take), output, out int consumed, out int written);
            CheckGuards(output.Length);
            produced.Write(output[..written]);
            pos += consumed;
            if (status is InflateStatus.InvalidData or InflateStatus.MessageTooBig) return (status, produced.ToArray());
            if (status == InflateStatus.NeedInput && pos == payload.Length) break;
        }
        do
        {
            var output = Piece(Size(70_000));
            status = inflater.FinishMessage(output, out int written);
            CheckGuards(output.Length);
            produced.Write(output[..written]);
        }
        while (status == InflateStatus.OutputFull);
        return (status, produced.ToArray());

        Span<byte> Piece(int size)
        {
            buffer.AsSpan(0, Guard).Fill(0xA5);
            buffer.AsSpan(Guard + size, Guard).Fill(0xA5);
            return buffer.AsSpan(Guard, size);
        }
        void CheckGuards(int size)
        {
            Assert.True(buffer.AsSpan(0, Guard).IndexOfAnyExcept((byte)0xA5) < 0, "wrote before the output span");
            Assert.True(buffer.AsSpan(Guard + size, Guard).IndexOfAnyExcept((byte)0xA5) < 0, "wrote past the output span");
        }
    }

    /// <summary>Writes one fixed-Huffman block (RFC 1951 section 3.2.6) of chosen literals and matches.</summary>
    private sealed class FixedBlock
    {
        private readonly List<byte> _bytes = [];
        private ulong _bits;
        private int _count;

        public FixedBlock() => Put(0b010, 3); // BFINAL 0, BTYPE 01

        public void Literal(byte b)
        {
            if (b < 144) PutCode(0b00110000 + b, 8);
            else PutCode(0b110010000 + b - 144, 9);
        }

        public void Match(int length, int distance)
        {
            int ls = 0;
            while (ls + 1 < 29 && DeflateConstants.LengthBase[ls + 1] <= length) ls++;
            int symbol = 257 + ls;
            if (symbol < 280) PutCode(symbol - 256, 7);
            else PutCode(0b11000000 + symbol - 280, 8);
            Put((uint)(length - DeflateConstants.LengthBase[ls]), DeflateConstants.LengthExtra[ls]);
            int ds = 0;
            while (ds + 1 < 30 && DeflateConstants.DistBase[ds + 1] <= distance) ds++;
            PutCode(ds, 5);
            Put((uint)(distance - DeflateConstants.DistBase[ds]), DeflateConstants.DistExtra[ds]);
        }

        /// <summary>End of block, then the empty stored block of a sync flush without its LEN/NLEN (the tail's part).</summary>
        public byte[] End()
        {
            PutCode(0, 7);
            Put(0, 3);
            if (_count > 0) Put(0, 8 - _count);
            return [.. _bytes];
        }

        // Huffman codes go out most significant bit first.
        private void PutCode(int code, int length)
        {
            for (int i = length - 1; i >= 0; i--) Put((uint)(code >> i) & 1, 1);
        }

        private void Put(uint value, int n)
        {
            _bits |= (ulong)value << _count;
            _count += n;
            while (_count >= 8)
            {
                _bytes.Add((byte)_bits);
                _bits >>= 8;
                _count -= 8;
            }
        }
    }
}
