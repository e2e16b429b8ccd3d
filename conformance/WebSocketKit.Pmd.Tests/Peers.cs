using System.Net;
using System.Net.Sockets;
using System.Text;
using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;
using WebSocketKit.ConnTests;
using WebSocketKit.Protocol.Handshake;

namespace WebSocketKit.PmdTests;

/// <summary>
/// Real TCP on 127.0.0.1 with permessage-deflate: our Upgrader behind a listener, our client Conn
/// after a handshake made with the Sans-IO ClientHandshake helpers, and a raw client that writes
/// whatever bytes a test wants. Everything is bounded by <see cref="Bound"/>.
/// </summary>
internal static class Peers
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static Upgrader CompressingUpgrader(PerMessageDeflateOptions? options = null, long readLimit = ConnectionOptions.DefaultReadLimit)
        => new()
        {
            EnableCompression = true,
            CompressionOptions = options ?? new PerMessageDeflateOptions(),
            ConnectionOptions = new ConnectionOptions { ReadLimit = readLimit },
        };

    /// <summary>Accepts one connection and upgrades it; <paramref name="tap"/> records what the server writes.</summary>
    public static async Task<Conn> AcceptAsync(TcpListener listener, Upgrader upgrader, TapStream.Log? tap = null)
    {
        var socket = await listener.AcceptSocketAsync().WaitAsync(Bound);
        socket.NoDelay = true;
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        if (tap is not null) stream = new TapStream(stream, tap);
        try
        {
            return await upgrader.UpgradeAsync(stream).AsTask().WaitAsync(Bound);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Connects, offers <paramref name="offer"/> (null: no extension), checks the 101 and the
    /// server's answer with TryAcceptResponse, and returns our client Conn.
    /// </summary>
    public static async Task<Conn> DialAsync(int port, PerMessageDeflateOptions? offer, TapStream.Log? tap = null, ConnectionOptions? options = null)
    {
        var tcp = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Bound);
        Stream stream = tcp.GetStream();
        if (tap is not null) stream = new TapStream(stream, tap);
        string key = WebSocketKey.NewKey();
        string? extensions = offer is null ? null : PerMessageDeflateNegotiation.CreateOffer(offer);
        await stream.WriteAsync(ClientHandshake.BuildRequest($"127.0.0.1:{port}", "/", key, extensions: extensions));
        var (head, rest) = await Loopback.ReadResponseAsync(stream);
        var verdict = ClientHandshake.ValidateResponse(head, key, extensionsOffered: offer is not null);
        if (!verdict.Accepted) throw new HandshakeException(head.StatusCode, verdict.Error!);
        PerMessageDeflateParameters? agreed = null;
        if (offer is not null && verdict.Extensions is not null)
        {
            var error = PerMessageDeflateNegotiation.TryAcceptResponse([verdict.Extensions], offer, out agreed);
            if (error != ExtensionNegotiationError.None) throw new HandshakeException(101, $"bad extension answer: {error}");
        }
        return new Conn(stream, Role.Client, options, null, rest, agreed);
    }

    /// <summary>Reads the client's request head (up to its blank line) and parses it.</summary>
    public static async Task<HttpRequestHead> ReadRequestAsync(Stream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 16 * 1024 && !(head.Count >= 4 && head[^1] == '\n' && head[^2] == '\r' && head[^3] == '\n' && head[^4] == '\r'))
        {
            if (await stream.ReadAsync(one).AsTask().WaitAsync(Bound) == 0) throw new EndOfStreamException("request ended early");
            head.Add(one[0]);
        }
        var status = HttpHeadParser.ParseRequest(head.ToArray(), HttpParseLimits.Default, out var request, out _, out var error);
        return status == HttpParseStatus.Complete ? request! : throw new InvalidDataException(error.ToString());
    }

    /// <summary>Our echo loop: every data message back as it came, until the peer closes or fails.</summary>
    public static async Task EchoAsync(Conn conn)
    {
        var buffer = new ArrayPoolBufferWriter();
        try
        {
            while (true)
            {
                var type = await conn.ReadMessageAsync(buffer);
                await conn.WriteMessageAsync(type, buffer.WrittenMemory);
                buffer.Clear();
            }
        }
        catch (Exception e) when (e is CloseException or ConnectionClosedException) { }
        finally
        {
            buffer.Dispose();
            await conn.DisposeAsync();
        }
    }

    /// <summary>The Close code in what a server wrote before closing TCP, or null when it sent none.</summary>
    public static int? CloseCodeIn(ReadOnlySpan<byte> serverBytes)
    {
        var decoder = new FrameDecoder(Role.Client);
        var payload = new byte[serverBytes.Length];
        int at = 0, got = 0;
        while (true)
        {
            var ev = decoder.Decode(serverBytes[at..], payload.AsSpan(got), out int consumed, out int written);
            at += consumed;
            switch (ev)
            {
                case FrameEvent.Header:
                    got = 0;
                    break;
                case FrameEvent.Payload:
                    got += written;
                    break;
                case FrameEvent.FrameEnd:
                    if (decoder.Header.Opcode == Opcode.Close)
                        return ClosePayload.Parse(payload.AsSpan(0, got), out ushort code, out _) == ProtocolError.None ? code : -1;
                    break;
                default:
                    return null;
            }
        }
    }
}

/// <summary>A client that speaks raw bytes after a proper handshake offering permessage-deflate.</summary>
internal sealed class RawClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>The server's extension answer (null when it accepted none).</summary>
    public string? Extensions { get; private init; }

    public static async Task<RawClient> ConnectAsync(int port, string? offer = "permessage-deflate; client_max_window_bits")
    {
        var tcp = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Peers.Bound);
        var stream = tcp.GetStream();
        string key = WebSocketKey.NewKey();
        await stream.WriteAsync(ClientHandshake.BuildRequest($"127.0.0.1:{port}", "/", key, extensions: offer));
        var (head, after) = await Loopback.ReadResponseAsync(stream);
        var verdict = ClientHandshake.ValidateResponse(head, key, extensionsOffered: offer is not null);
        if (!verdict.Accepted || after.Length != 0) throw new InvalidDataException("bad 101: " + verdict.Error);
        return new RawClient(tcp) { Extensions = verdict.Extensions };
    }

    /// <summary>A masked client frame; <paramref name="firstByte"/> carries FIN, RSV and opcode as the test wants.</summary>
    public static byte[] Frame(byte firstByte, ReadOnlySpan<byte> payload)
    {
        var buf = new byte[FrameHeader.MaxSize + payload.Length];
        const uint key = 0x1F2E3D4Cu;
        int n = FrameEncoder.WriteHeader(buf, true, Opcode.Binary, payload.Length, true, key);
        buf[0] = firstByte;
        payload.CopyTo(buf.AsSpan(n));
        Masking.Apply(buf.AsSpan(n, payload.Length), key, 0);
        return buf[..(n + payload.Length)];
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> bytes) => _stream.WriteAsync(bytes);

    /// <summary>Everything the server sends until it closes TCP (bounded in time and size).</summary>
    public async Task<byte[]> ReadToEndAsync()
    {
        var ms = new MemoryStream();
        var buf = new byte[8192];
        using var cts = new CancellationTokenSource(Peers.Bound);
        try
        {
            int n;
            while ((n = await _stream.ReadAsync(buf, cts.Token)) > 0 && ms.Length < (1 << 20)) ms.Write(buf, 0, n);
        }
        catch (IOException) { }
        return ms.ToArray();
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A stream that records every byte written through it, to check what went on the wire.</summary>
internal sealed class TapStream(Stream inner, TapStream.Log log) : Stream
{
    public sealed class Log
    {
        private readonly MemoryStream _bytes = new();
        public void Add(ReadOnlySpan<byte> b) { lock (_bytes) _bytes.Write(b); }
        public byte[] ToArray() { lock (_bytes) return _bytes.ToArray(); }
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        log.Add(buffer.Span);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        log.Add(buffer.AsSpan(offset, count));
        inner.Write(buffer, offset, count);
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override void Flush() => inner.Flush();
    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>Deterministic test messages: JSON-like text (compresses well), random bytes (does not).</summary>
internal static class Corpus
{
    public static byte[] Json(int approxBytes, int seed)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder("[");
        string[] names = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "ünïcødé", "日本語"];
        for (int i = 0; sb.Length < approxBytes; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append("{\"id\":").Append(rng.Next(100000))
              .Append(",\"name\":\"").Append(names[rng.Next(names.Length)]).Append(rng.Next(1000))
              .Append("\",\"active\":").Append(rng.Next(2) == 0 ? "true" : "false")
              .Append(",\"score\":").Append((rng.NextDouble() * 1000).ToString("F3", System.Globalization.CultureInfo.InvariantCulture))
              .Append(",\"tags\":[\"t").Append(rng.Next(50)).Append("\",\"t").Append(rng.Next(50)).Append("\"]}");
        }
        sb.Append(']');
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static byte[] Random(int bytes, int seed)
    {
        var b = new byte[bytes];
        new Random(seed).NextBytes(b);
        return b;
    }
}

/// <summary>Reads the data frames in captured wire bytes and inflates the compressed messages as a receiver would.</summary>
internal static class Wire
{
    /// <summary>The messages in <paramref name="wire"/> written by <paramref name="sender"/>: type, RSV1 on the first frame, payload, and whether any later frame had RSV1.</summary>
    public static List<(Opcode Type, bool Compressed, byte[] Payload)> Messages(byte[] wire, Role sender)
    {
        var receiver = sender == Role.Server ? Role.Client : Role.Server;
        var decoder = new FrameDecoder(receiver, long.MaxValue, compressionNegotiated: true);
        var result = new List<(Opcode, bool, byte[])>();
        var current = new MemoryStream();
        var control = new MemoryStream();
        var chunk = new byte[64 * 1024];
        // A tap on the connection saw the HTTP head first.
        int at = wire.AsSpan().StartsWith("HTTP/"u8) || wire.AsSpan().StartsWith("GET "u8) ? wire.AsSpan().IndexOf("\r\n\r\n"u8) + 4 : 0;
        Opcode type = 0;
        bool compressed = false;
        // Until the decoder needs more: the last frame's end comes without consuming a byte.
        for (var ev = FrameEvent.Header; ev != FrameEvent.NeedMoreData;)
        {
            ev = decoder.Decode(wire.AsSpan(at), chunk, out int consumed, out int written);
            at += consumed;
            var h = decoder.Header;
            switch (ev)
            {
                case FrameEvent.Header when !h.IsControl && h.Opcode != Opcode.Continuation:
                    type = h.Opcode;
                    compressed = h.Rsv1;
                    current.SetLength(0);
                    break;
                case FrameEvent.Payload:
                    (h.IsControl ? control : current).Write(chunk, 0, written);
                    break;
                case FrameEvent.FrameEnd when !h.IsControl && h.Fin:
                    result.Add((type, compressed, current.ToArray()));
                    break;
                case FrameEvent.Error:
                    throw new InvalidDataException($"bad frame on the wire: {decoder.Error}");
            }
        }
        return result;
    }

    /// <summary>Inflates one message with <paramref name="inflater"/>; throws when it does not inflate.</summary>
    public static byte[] Inflate(Inflater inflater, byte[] payload)
    {
        var output = new MemoryStream();
        var buf = new byte[64 * 1024];
        var input = payload.AsSpan();
        while (true)
        {
            var st = inflater.Inflate(input, buf, out int consumed, out int written);
            input = input[consumed..];
            output.Write(buf, 0, written);
            if (st == InflateStatus.NeedInput) break;
            if (st != InflateStatus.OutputFull) throw new InvalidDataException($"{st}: {inflater.Error}");
        }
        while (true)
        {
            var st = inflater.FinishMessage(buf, out int written);
            output.Write(buf, 0, written);
            if (st == InflateStatus.MessageComplete) return output.ToArray();
            if (st != InflateStatus.OutputFull) throw new InvalidDataException($"{st}: {inflater.Error}");
        }
    }
}
