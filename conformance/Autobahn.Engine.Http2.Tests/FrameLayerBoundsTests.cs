using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Autobahn.Engine.Http2;
using Autobahn.Engine.Http2.Hpack;
using Autobahn.Engine.Rfc8441;
using Autobahn.Vocabulary;
using Xunit;

namespace Autobahn.Engine.Http2.Tests;

/// <summary>
/// The frame layer reading a misbehaving server: what no real server here can be made to send (a frame longer than
/// allowed, an endless header block, a broken Huffman string, DATA past the window, no SETTINGS at all) is answered
/// with the right error, within a bound, never with a hang or a large allocation. The server is a raw socket.
/// </summary>
public class FrameLayerBoundsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>A raw TCP peer that has read the client's preface; it writes whatever frames a test gives it.</summary>
    private sealed class RawServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private TcpClient? _client;

        public RawServer() => _listener.Start();

        public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        public NetworkStream Stream => _client!.GetStream();

        public async Task AcceptAsync(CancellationToken ct)
        {
            _client = await _listener.AcceptTcpClientAsync(ct);
            var preface = new byte[Http2Limits.ClientPreface.Length];
            await Stream.ReadExactlyAsync(preface, ct);
            Assert.True(preface.AsSpan().SequenceEqual(Http2Limits.ClientPreface));
        }

        public Task SendAsync(FrameType type, byte flags, int stream, byte[] payload, CancellationToken ct) =>
            Stream.WriteAsync(Http2FrameCodec.Encode(type, flags, stream, payload), ct).AsTask();

        /// <summary>Reads the client's frames until one of <paramref name="type"/> on <paramref name="stream"/> comes.</summary>
        public async Task<Http2Frame> NextAsync(FrameType type, int stream, CancellationToken ct)
        {
            while (await Http2FrameCodec.ReadAsync(Stream, Http2Limits.DefaultMaxFrameSize, ct) is { } frame)
            {
                if (frame.Type == type && frame.StreamId == stream) return frame;
            }
            throw new EndOfStreamException($"the client closed the connection before sending {type}");
        }

        public async ValueTask DisposeAsync()
        {
            _client?.Dispose();
            _listener.Stop();
            await Task.CompletedTask;
        }
    }

    private static Http2ErrorCode CodeOf(Http2Frame goAwayOrReset) =>
        (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(goAwayOrReset.Payload.AsSpan(goAwayOrReset.Type == FrameType.GoAway ? 4 : 0));

    /// <summary>A client connected to a raw server that has sent its (empty) SETTINGS; both closed on disposal.</summary>
    private sealed class Pair(RawServer server, Http2Connection client, CancellationTokenSource cts) : IAsyncDisposable
    {
        public RawServer Server => server;
        public Http2Connection Client => client;
        public CancellationToken Token => cts.Token;

        public static async Task<Pair> ConnectAsync()
        {
            var cts = new CancellationTokenSource(Bound);
            var server = new RawServer();
            var accepting = server.AcceptAsync(cts.Token);
            var client = await Http2Dial.ConnectAsync(server.Url, false, null, cts.Token);
            await accepting;
            await server.SendAsync(FrameType.Settings, 0, 0, [], cts.Token);
            return new Pair(server, client, cts);
        }

        /// <summary>A GET on a new stream, so that the server has a stream to answer on.</summary>
        public async Task<Http2Stream> RequestAsync()
        {
            var stream = client.OpenStream();
            await client.SendHeadersAsync(stream, [new(":method", "GET"), new(":scheme", "http"), new(":path", "/"), new(":authority", "x")], true, Token);
            return stream;
        }

        public async ValueTask DisposeAsync()
        {
            await client.DisposeAsync();
            await server.DisposeAsync();
            cts.Dispose();
        }
    }

    [Fact]
    public async Task A_frame_longer_than_we_allow_is_a_connection_error_FRAME_SIZE_ERROR_and_is_never_read()
    {
        await using var pair = await Pair.ConnectAsync();
        var (server, client, token) = (pair.Server, pair.Client, pair.Token);
        // Only the header of a 16 MiB frame: a reader that trusted it would wait for, or allocate, 16 MiB.
        await server.Stream.WriteAsync(new byte[] { 0xFF, 0xFF, 0xFF, (byte)FrameType.Data, 0, 0, 0, 0, 1 }, token);
        Assert.Equal(Http2ErrorCode.FrameSizeError, CodeOf(await server.NextAsync(FrameType.GoAway, 0, token)));
        Assert.Contains("FrameSizeError", await client.Closed.WaitAsync(token));
    }

    [Fact]
    public async Task An_endless_header_block_is_cut_off_at_its_bound()
    {
        await using var pair = await Pair.ConnectAsync();
        var (server, client, token) = (pair.Server, pair.Client, pair.Token);
        var stream = await pair.RequestAsync();
        await server.SendAsync(FrameType.Headers, 0, stream.Id, new byte[16000], token);
        var sending = Task.Run(async () =>
        {
            // CONTINUATION after CONTINUATION, never END_HEADERS, until the client hangs up.
            try { while (true) await server.SendAsync(FrameType.Continuation, 0, stream.Id, new byte[16000], token); }
            catch (IOException) { }
        });
        Assert.Equal(Http2ErrorCode.EnhanceYourCalm, CodeOf(await server.NextAsync(FrameType.GoAway, 0, token)));
        Assert.Contains("header block over", await client.Closed.WaitAsync(token));
        Assert.Equal(StreamEndKind.ConnectionLost, (await stream.Ended.WaitAsync(token)).Kind);
        client.Abort();
        await sending.WaitAsync(token);
    }

    [Fact]
    public async Task A_Huffman_string_holding_EOS_is_a_connection_error_COMPRESSION_ERROR()
    {
        await using var pair = await Pair.ConnectAsync();
        var (server, client, token) = (pair.Server, pair.Client, pair.Token);
        var stream = await pair.RequestAsync();
        // :status (static index 8 as a name) with a Huffman value of 4 octets: EOS (30 ones) and two bits.
        await server.SendAsync(FrameType.Headers, FrameFlags.EndHeaders, stream.Id, [0x08, 0x84, 0xFF, 0xFF, 0xFF, 0xFC], token);
        Assert.Equal(Http2ErrorCode.CompressionError, CodeOf(await server.NextAsync(FrameType.GoAway, 0, token)));
        Assert.Contains("EOS", await client.Closed.WaitAsync(token));
    }

    [Fact]
    public async Task DATA_past_the_window_we_granted_resets_the_stream_with_FLOW_CONTROL_ERROR()
    {
        await using var pair = await Pair.ConnectAsync();
        var (server, client, token) = (pair.Server, pair.Client, pair.Token);
        var stream = await pair.RequestAsync();
        await server.SendAsync(FrameType.Headers, FrameFlags.EndHeaders, stream.Id, HpackEncoder.Encode([new(":status", "200")]), token);
        // Five frames of 14000 octets, none read by the client: 70000 is past the stream's 65535.
        for (int i = 0; i < 5; i++) await server.SendAsync(FrameType.Data, 0, stream.Id, new byte[14000], token);
        Assert.Equal(Http2ErrorCode.FlowControlError, CodeOf(await server.NextAsync(FrameType.RstStream, stream.Id, token)));
        Assert.Equal(Http2ErrorCode.FlowControlError, (await stream.Ended.WaitAsync(token)).Code);
        Assert.False(client.Closed.IsCompleted);
    }

    [Fact]
    public async Task A_server_that_never_sends_SETTINGS_fails_a_case_within_the_answer_timeout()
    {
        // The verdict comes from the 5 s answer timeout; the outer bound only keeps a broken test from hanging.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var server = new RawServer();
        var accepting = server.AcceptAsync(cts.Token);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await Rfc8441Run.RunOneAsync(server.Url, false, Rfc8441Chapter.Cases.Single(c => c.Id == "h2-5.1"), cts.Token);
        await accepting;
        Assert.Equal(VerdictWords.Failed, result.Verdict);
        Assert.Equal("no SETTINGS frame from the server within 5 s", result.Observed);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(4.5), $"gave up after {clock.Elapsed}, before the timeout");
    }

    [Fact]
    public async Task A_server_that_takes_the_connection_but_never_answers_the_TLS_handshake_cannot_hold_the_run()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var accepting = listener.AcceptTcpClientAsync(cts.Token).AsTask();
            var target = new Uri($"https://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
            var problem = await Rfc8441Run.CheckReachableAsync(target, acceptAnyCertificate: true, cts.Token);
            using var silent = await accepting;
            Assert.Equal($"no HTTP/2 at {target}: no connection (TCP and the TLS handshake) within 5 s", problem);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task An_HTTP_1_status_line_in_answer_to_the_preface_is_named_as_such()
    {
        using var cts = new CancellationTokenSource(Bound);
        await using var server = new RawServer();
        var accepting = server.AcceptAsync(cts.Token);
        await using var client = await Http2Dial.ConnectAsync(server.Url, false, null, cts.Token);
        await accepting;
        await server.Stream.WriteAsync("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), cts.Token);
        Assert.Contains("an HTTP/1.x response instead of HTTP/2 frames", await client.Closed.WaitAsync(cts.Token));
    }
}
