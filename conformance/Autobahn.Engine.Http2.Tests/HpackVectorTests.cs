using Autobahn.Engine.Http2.Hpack;
using Xunit;

namespace Autobahn.Engine.Http2.Tests;

/// <summary>The frame layer's HPACK against the examples of RFC 7541 Appendix C (test vectors, typed from the RFC).</summary>
public class HpackVectorTests
{
    private static byte[] Hex(string s) => Convert.FromHexString(s.Replace(" ", ""));
    private static HeaderField F(string name, string value) => new(name, value);

    [Theory]
    [InlineData(10, 5, "0a")]       // C.1.1
    [InlineData(1337, 5, "1f9a0a")] // C.1.2
    [InlineData(42, 8, "2a")]       // C.1.3
    public void Integers_are_encoded_and_decoded_with_their_prefix(int value, int prefix, string hex)
    {
        var encoded = new List<byte>();
        HpackEncoder.WriteInteger(encoded, 0, prefix, value);
        Assert.Equal(Hex(hex), encoded.ToArray());
        int pos = 0;
        Assert.Equal(value, HpackDecoder.ReadInteger(Hex(hex), ref pos, prefix));
    }

    [Fact]
    public void A_literal_with_indexing_enters_the_dynamic_table() // C.2.1
    {
        var d = new HpackDecoder();
        Assert.Equal([F("custom-key", "custom-header")], d.Decode(Hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572")));
        Assert.Equal(55, d.TableSize);
    }

    [Fact]
    public void A_literal_without_indexing_is_what_our_encoder_writes() // C.2.2
    {
        var block = Hex("040c 2f73 616d 706c 652f 7061 7468");
        Assert.Equal(block, HpackEncoder.Encode([F(":path", "/sample/path")]));
        var d = new HpackDecoder();
        Assert.Equal([F(":path", "/sample/path")], d.Decode(block));
        Assert.Equal(0, d.TableSize);
    }

    [Fact]
    public void A_never_indexed_literal_stays_out_of_the_table() // C.2.3
    {
        var d = new HpackDecoder();
        Assert.Equal([F("password", "secret")], d.Decode(Hex("1008 7061 7373 776f 7264 0673 6563 7265 74")));
        Assert.Equal(0, d.TableSize);
    }

    [Fact]
    public void An_indexed_field_comes_from_the_static_table() // C.2.4
    {
        Assert.Equal([F(":method", "GET")], new HpackDecoder().Decode(Hex("82")));
    }

    private static readonly HeaderField[][] Requests =
    [
        [F(":method", "GET"), F(":scheme", "http"), F(":path", "/"), F(":authority", "www.example.com")],
        [F(":method", "GET"), F(":scheme", "http"), F(":path", "/"), F(":authority", "www.example.com"), F("cache-control", "no-cache")],
        [F(":method", "GET"), F(":scheme", "https"), F(":path", "/index.html"), F(":authority", "www.example.com"), F("custom-key", "custom-value")],
    ];

    [Theory]
    [InlineData("C.3", "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d", "8286 84be 5808 6e6f 2d63 6163 6865",
        "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65")]
    [InlineData("C.4", "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff", "8286 84be 5886 a8eb 1064 9cbf",
        "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf")]
    public void Three_requests_on_one_connection_share_the_dynamic_table(string section, string first, string second, string third)
    {
        var d = new HpackDecoder();
        int[] sizes = [57, 110, 164];
        string[] blocks = [first, second, third];
        for (int i = 0; i < 3; i++)
        {
            Assert.True(Requests[i].SequenceEqual(d.Decode(Hex(blocks[i]))), $"{section}.{i + 1}");
            Assert.Equal(sizes[i], d.TableSize);
        }
        Assert.Equal(F("custom-key", "custom-value"), d.TableEntry(1));
        Assert.Equal(F(":authority", "www.example.com"), d.TableEntry(3));
    }

    private static readonly HeaderField[][] Responses =
    [
        [F(":status", "302"), F("cache-control", "private"), F("date", "Mon, 21 Oct 2013 20:13:21 GMT"), F("location", "https://www.example.com")],
        [F(":status", "307"), F("cache-control", "private"), F("date", "Mon, 21 Oct 2013 20:13:21 GMT"), F("location", "https://www.example.com")],
        [F(":status", "200"), F("cache-control", "private"), F("date", "Mon, 21 Oct 2013 20:13:22 GMT"), F("location", "https://www.example.com"),
            F("content-encoding", "gzip"), F("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1")],
    ];

    [Theory]
    [InlineData("C.5",
        "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
        "4803 3330 37c1 c0bf",
        "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31")]
    [InlineData("C.6",
        "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
        "4883 640e ffc1 c0bf",
        "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07")]
    public void Three_responses_evict_the_oldest_entries_from_a_256_octet_table(string section, string first, string second, string third)
    {
        var d = new HpackDecoder(allowedTableSize: 256);
        int[] sizes = [222, 222, 215];
        int[] counts = [4, 4, 3];
        string[] blocks = [first, second, third];
        for (int i = 0; i < 3; i++)
        {
            Assert.True(Responses[i].SequenceEqual(d.Decode(Hex(blocks[i]))), $"{section}.{i + 1}");
            Assert.Equal(sizes[i], d.TableSize);
            Assert.Equal(counts[i], d.TableCount);
        }
        Assert.Equal(F("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"), d.TableEntry(1));
    }

    [Fact]
    public void A_table_size_update_shrinks_the_table_and_may_not_exceed_what_we_allowed()
    {
        var d = new HpackDecoder(allowedTableSize: 4096);
        d.Decode(Hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"));
        Assert.Equal([F(":method", "GET")], d.Decode(Hex("20 82"))); // size 0 empties the table
        Assert.Equal(0, d.TableCount);
        Assert.Throws<HpackException>(() => d.Decode(Hex("3fe21f"))); // 4097
        Assert.Throws<HpackException>(() => new HpackDecoder().Decode(Hex("82 20"))); // an update after a field
    }

    [Theory]
    [InlineData("80")]        // index 0
    [InlineData("be")]        // index 62 with an empty dynamic table
    [InlineData("0005 6162")] // a string past the end of the block
    [InlineData("1f")]        // an integer cut off
    [InlineData("ff ff ff ff ff 7f")] // an integer larger than the decoder takes
    public void A_broken_block_is_a_compression_error(string hex)
    {
        Assert.Throws<HpackException>(() => new HpackDecoder().Decode(Hex(hex)));
    }

    [Fact]
    public void A_header_list_over_the_limit_is_refused_before_it_grows()
    {
        var d = new HpackDecoder(maxHeaderListSize: 80);
        Assert.Equal(2, d.Decode(Hex("82 84")).Count); // 42 + 37 octets as HPACK counts them
        Assert.Throws<HpackException>(() => d.Decode(Hex("82 84 86")));
    }

    [Theory]
    [InlineData("f1e3c2e5f23a6ba0ab90f4ff", "www.example.com")] // C.4.1's authority, padded with 1s
    [InlineData("a8eb10649cbf", "no-cache")]
    public void Huffman_strings_decode(string hex, string text)
    {
        Assert.Equal(text, System.Text.Encoding.Latin1.GetString(Huffman.Decode(Convert.FromHexString(hex))));
    }

    [Theory]
    [InlineData("f1e3c2e5f23a6ba0ab90f4fe")] // the last padding bit is 0, not EOS's 1
    [InlineData("f1e3c2e5f23a6ba0ab90f4ffff")] // 9 bits of padding
    [InlineData("fffffffc")] // EOS itself (30 ones) is never data
    public void Huffman_padding_must_be_a_short_prefix_of_EOS(string hex)
    {
        Assert.Throws<HpackException>(() => Huffman.Decode(Convert.FromHexString(hex)));
    }

    [Fact]
    public void The_Huffman_code_is_complete_and_prefix_free()
    {
        // Kraft's sum of a complete prefix code is exactly 1: 2^-len over all 257 codes, in units of 2^-30.
        long sum = HuffmanTable.Lengths.Sum(l => 1L << (30 - l));
        Assert.Equal(1L << 30, sum);
        Assert.Equal(257, HuffmanTable.Codes.Length);
    }
}
