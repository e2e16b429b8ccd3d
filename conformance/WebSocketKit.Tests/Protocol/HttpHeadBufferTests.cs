using System.Text;
using WebSocketKit.Protocol.Handshake;
using Xunit;

namespace WebSocketKit.Tests.Protocol;

/// <summary>
/// The request head is collected incrementally: a client trickling its head a byte at a time
/// costs work in proportion to the bytes (each looked at once, the full parser run a bounded
/// number of times), not to their square.
/// </summary>
public class HttpHeadBufferTests
{
    private static byte[] RequestOf(int size)
    {
        var head = new StringBuilder("GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n");
        int i = 0;
        while (head.Length < size - 400) head.Append($"X-Pad-{i++}: {new string('p', 290)}\r\n");
        head.Append("X-End: ").Append('e', size - head.Length - 4).Append("\r\n\r\n");
        var bytes = Encoding.ASCII.GetBytes(head.ToString());
        Assert.Equal(size, bytes.Length);
        return bytes;
    }

    private static HttpParseStatus Feed(HttpHeadBuffer buffer, ReadOnlySpan<byte> bytes, out HttpRequestHead? request, out HttpParseError error)
    {
        bytes.CopyTo(buffer.Free.Span);
        buffer.Commit(bytes.Length);
        return buffer.ParseRequest(out request, out error);
    }

    [Fact]
    public void Four_thousand_bytes_one_at_a_time_run_the_full_parser_at_most_twice_and_look_at_each_byte_once()
    {
        var bytes = RequestOf(4000);
        using var buffer = new HttpHeadBuffer(HttpParseLimits.Default);
        HttpParseStatus status = HttpParseStatus.Incomplete;
        HttpRequestHead? request = null;
        for (int i = 0; i < bytes.Length; i++)
        {
            Assert.Equal(HttpParseStatus.Incomplete, status);
            status = Feed(buffer, bytes.AsSpan(i, 1), out request, out _);
        }
        Assert.Equal(HttpParseStatus.Complete, status);
        Assert.Equal("/chat", request!.Target);
        // Once when the request line is complete (a bad one is refused early), once at the end.
        Assert.Equal(2, buffer.FullParses);
        Assert.Equal(bytes.Length, buffer.BytesScanned);
    }

    [Fact]
    public void Work_grows_linearly_with_the_head_size()
    {
        foreach (int size in new[] { 1000, 4000, 16000 })
        {
            var bytes = RequestOf(size);
            using var buffer = new HttpHeadBuffer(HttpParseLimits.Default);
            for (int i = 0; i < bytes.Length; i += 3) Feed(buffer, bytes.AsSpan(i, Math.Min(3, bytes.Length - i)), out _, out _);
            Assert.Equal(2, buffer.FullParses);
            Assert.Equal(size, buffer.BytesScanned);
        }
    }

    [Fact]
    public void A_whole_head_in_one_read_is_parsed_and_the_bytes_after_it_are_kept()
    {
        var bytes = RequestOf(500).Concat(new byte[] { 0x81, 0x80 }).ToArray();
        using var buffer = new HttpHeadBuffer(HttpParseLimits.Default);
        Assert.Equal(HttpParseStatus.Complete, Feed(buffer, bytes, out var request, out _));
        Assert.NotNull(request);
        Assert.Equal(new byte[] { 0x81, 0x80 }, buffer.After.ToArray());
    }

    [Theory]
    [InlineData("GET / HTTP/3.0\r\n", HttpParseError.UnsupportedHttpVersion)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\n", HttpParseError.BareLineFeed)]
    public void A_bad_line_is_refused_as_soon_as_it_ends(string text, HttpParseError expected)
    {
        using var buffer = new HttpHeadBuffer(HttpParseLimits.Default);
        Assert.Equal(HttpParseStatus.Invalid, Feed(buffer, Encoding.ASCII.GetBytes(text), out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Limits_are_enforced_when_they_are_crossed_not_at_the_end_of_the_head()
    {
        var limits = new HttpParseLimits(MaxStartLineBytes: 100, MaxHeaderCount: 3, MaxHeaderBytes: 200);
        using (var buffer = new HttpHeadBuffer(limits))
        {
            Assert.Equal(HttpParseStatus.Invalid, Feed(buffer, Encoding.ASCII.GetBytes("GET /" + new string('a', 120)), out _, out var error));
            Assert.Equal(HttpParseError.StartLineTooLong, error);
        }
        using (var buffer = new HttpHeadBuffer(limits))
        {
            var status = Feed(buffer, Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\n"), out _, out var error);
            Assert.Equal(HttpParseStatus.Invalid, status);
            Assert.Equal(HttpParseError.TooManyHeaders, error);
        }
        using (var buffer = new HttpHeadBuffer(limits))
        {
            var status = Feed(buffer, Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nA: " + new string('v', 250)), out _, out var error);
            Assert.Equal(HttpParseStatus.Invalid, status);
            Assert.Equal(HttpParseError.HeaderSectionTooLarge, error);
        }
    }
}
