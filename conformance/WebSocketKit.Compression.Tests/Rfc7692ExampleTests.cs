using WebSocketKit.Protocol.Compression;
using Xunit;
using static WebSocketKit.Compression.Tests.InflateDriver;

namespace WebSocketKit.Compression.Tests;

/// <summary>The examples of RFC 7692 section 7.2.3, byte for byte.</summary>
public class Rfc7692ExampleTests
{
    private static readonly byte[] Hello = "Hello"u8.ToArray();

    [Fact]
    public void Hello_compressed_in_one_fixed_Huffman_block_inflates_to_Hello()
    {
        Assert.Equal(Hello, InflateOk(new Inflater(), Hex("f2 48 cd c9 c9 07 00")));
    }

    [Fact]
    public void The_same_payload_split_into_3_and_4_octet_fragments_inflates_to_Hello()
    {
        var inflater = new Inflater();
        var out1 = new byte[16];
        Assert.Equal(InflateStatus.NeedInput, inflater.Inflate(Hex("f2 48 cd"), out1, out int c1, out int w1));
        Assert.Equal(3, c1);
        Assert.Equal(InflateStatus.NeedInput, inflater.Inflate(Hex("c9 c9 07 00"), out1.AsSpan(w1), out int c2, out int w2));
        Assert.Equal(4, c2);
        Assert.Equal(InflateStatus.MessageComplete, inflater.FinishMessage(out1.AsSpan(w1 + w2), out int w3));
        Assert.Equal(Hello, out1[..(w1 + w2 + w3)]);
    }

    [Fact]
    public void With_context_takeover_the_second_Hello_refers_back_into_the_first()
    {
        var inflater = new Inflater(contextTakeover: true);
        Assert.Equal(Hello, InflateOk(inflater, Hex("f2 48 cd c9 c9 07 00")));
        Assert.Equal(Hello, InflateOk(inflater, Hex("f2 00 11 00 00")));
    }

    [Fact]
    public void Without_context_takeover_the_shared_window_reference_is_invalid()
    {
        var inflater = new Inflater(contextTakeover: false);
        Assert.Equal(Hello, InflateOk(inflater, Hex("f2 48 cd c9 c9 07 00")));
        Assert.Equal(InflateStatus.InvalidData, Run(inflater, Hex("f2 00 11 00 00")).status);
        Assert.Equal(WebSocketKit.Protocol.ProtocolError.InvalidCompressedData, inflater.Error);
    }

    [Fact]
    public void A_DEFLATE_block_with_no_compression_inflates_to_Hello()
    {
        Assert.Equal(Hello, InflateOk(new Inflater(), Hex("00 05 00 fa ff 48 65 6c 6c 6f 00")));
    }

    [Fact]
    public void A_block_with_BFINAL_set_followed_by_an_empty_block_header_inflates_to_Hello()
    {
        var inflater = new Inflater();
        Assert.Equal(Hello, InflateOk(inflater, Hex("f3 48 cd c9 c9 07 00 00")));
        // The next message starts a new stream and still inflates.
        Assert.Equal(Hello, InflateOk(inflater, Hex("f2 48 cd c9 c9 07 00")));
    }

    [Fact]
    public void Two_DEFLATE_blocks_in_one_message_inflate_to_Hello()
    {
        Assert.Equal(Hello, InflateOk(new Inflater(), Hex("f2 48 05 00 00 00 ff ff ca c9 c9 07 00")));
    }

    [Fact]
    public void An_empty_message_is_one_zero_octet_and_an_empty_payload_is_read_as_empty_too()
    {
        var inflater = new Inflater();
        Assert.Empty(InflateOk(inflater, Hex("00")));
        Assert.Empty(InflateOk(inflater, []));
        Assert.Equal(Hello, InflateOk(inflater, Hex("f2 48 cd c9 c9 07 00")));
    }
}
