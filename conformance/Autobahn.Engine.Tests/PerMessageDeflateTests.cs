using System.Text;
using Autobahn.Engine.Wire;
using Xunit;

namespace Autobahn.Engine.Tests;

/// <summary>The engine's own permessage-deflate pieces: offers as written on the wire, agreements as read, and message round trips.</summary>
public sealed class PerMessageDeflateTests
{
    private static readonly byte[][] Messages = Enumerable.Range(0, 50)
        .Select(i => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat($"{{\"id\":{i},\"name\":\"item {i % 7}\"}},", 20 + i)))).ToArray();

    [Theory]
    [InlineData(15, false)]
    [InlineData(15, true)]
    [InlineData(9, false)]
    [InlineData(9, true)]
    [InlineData(12, false)]
    public void Every_message_inflates_back_to_what_was_compressed(int windowBits, bool noContextTakeover)
    {
        using var compressor = new MessageCompressor(windowBits, noContextTakeover);
        using var decompressor = new MessageDecompressor(noContextTakeover);
        foreach (var m in Messages)
        {
            var wire = compressor.Compress(m);
            Assert.False(wire.AsSpan().EndsWith((byte[])[0, 0, 0xFF, 0xFF]));
            Assert.Equal(m, decompressor.Decompress(wire, 1 << 20));
        }
    }

    [Theory]
    [InlineData(15, false)]
    [InlineData(9, true)]
    public void A_replayed_sequence_is_octet_for_octet_what_compressing_it_again_gives(int windowBits, bool noContextTakeover)
    {
        string name = $"test-{Guid.NewGuid():N}";
        List<byte[]> Run(MessageCompressor c) =>
            Messages.Select((m, i) => c.Compress(m, new MessageSequence(name, i, Messages.Length))).ToList();
        using var recorder = new MessageCompressor(windowBits, noContextTakeover);
        var recorded = Run(recorder);
        using var replayer = new MessageCompressor(windowBits, noContextTakeover);
        var replayed = Run(replayer);
        using var fresh = new MessageCompressor(windowBits, noContextTakeover);
        var compressed = Messages.Select(m => fresh.Compress(m)).ToList();
        Assert.Equal(compressed, recorded);
        Assert.Equal(compressed, replayed);
        Assert.Same(recorded[^1], replayed[^1]);
        Assert.Throws<InvalidOperationException>(() => replayer.Compress(Messages[0], null));
    }

    [Fact]
    public void With_context_takeover_a_repeated_message_costs_less_the_second_time()
    {
        using var keep = new MessageCompressor(15, noContextTakeover: false);
        var first = keep.Compress(Messages[10]).Length;
        var second = keep.Compress(Messages[10]).Length;
        Assert.True(second < first / 2, $"{second} vs {first}");
    }

    [Fact]
    public void A_message_that_is_not_deflate_data_is_refused()
    {
        using var decompressor = new MessageDecompressor(true);
        Assert.ThrowsAny<InvalidDataException>(() => decompressor.Decompress([0xFF, 0xFF, 0xFF, 0xFF, 0x12], 1 << 20));
    }

    [Fact]
    public void Offers_are_written_as_the_official_suite_writes_them()
    {
        Assert.Equal("permessage-deflate; client_no_context_takeover; client_max_window_bits", new DeflateOffer().Header());
        Assert.Equal("permessage-deflate; client_no_context_takeover; client_max_window_bits; server_no_context_takeover; server_max_window_bits=9",
            new DeflateOffer(RequestNoContextTakeover: true, RequestMaxWindowBits: 9).Header());
    }

    [Fact]
    public void The_answer_binds_both_sides_and_bad_parameters_are_refused()
    {
        Assert.Equal(new DeflateAgreement(true, true, 9, 15), DeflateAgreement.Parse("permessage-deflate; client_no_context_takeover; server_no_context_takeover; server_max_window_bits=9"));
        Assert.Null(DeflateAgreement.Parse(null));
        Assert.Null(DeflateAgreement.Parse("x-webkit-deflate-frame"));
        Assert.Throws<InvalidDataException>(() => DeflateAgreement.Parse("permessage-deflate; server_max_window_bits=20"));
        Assert.Throws<InvalidDataException>(() => DeflateAgreement.Parse("permessage-deflate; mystery"));
    }
}
