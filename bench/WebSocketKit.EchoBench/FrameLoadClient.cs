using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WebSocketKit.EchoBench;

/// <summary>
/// A load generator, not a WebSocket library: it writes frames it masked once, before the clock starts, and
/// reads the echoes by walking their headers (it checks each echo's opcode and length, not its bytes). A
/// pipelined run writes its frames in 256 KiB blocks, so the client spends a small part of what any server
/// spends per message, and the server, not the client, sets the rate. gorilla's and System.Net's clients
/// mask, frame and copy every message, which on one CPU costs as much as the echo does: with them the
/// pipelined shapes measure the client as much as the server (the tables' client CPU row shows it).
/// It speaks only what these shapes need: binary messages in one frame each, no extensions, a close at the end.
/// </summary>
internal sealed class FrameLoadClient : IAsyncDisposable
{
    private const int BlockSize = 256 * 1024;
    private static readonly byte[] MaskKey = [0x37, 0xfa, 0x21, 0x3d];
    private readonly Socket _socket;
    private readonly byte[] _readBuffer = new byte[BlockSize];
    private readonly EchoCounter _counter = new();

    private FrameLoadClient(Socket socket) => _socket = socket;

    public static async Task<FrameLoadClient> ConnectAsync(int port, CancellationToken token)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), token);
            string request = $"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(request), token);
            // The server says nothing after its 101 until it is sent a frame, so the head ends the bytes read.
            var head = new List<byte>();
            var one = new byte[1024];
            while (!EndsHead(head))
            {
                int n = await socket.ReceiveAsync(one, token);
                if (n == 0) throw new InvalidDataException("the server closed during the handshake");
                head.AddRange(one.AsSpan(0, n));
                if (head.Count > 16 * 1024) throw new InvalidDataException("no end to the handshake response");
            }
            string status = Encoding.ASCII.GetString([.. head]).Split("\r\n")[0];
            if (!status.StartsWith("HTTP/1.1 101", StringComparison.Ordinal)) throw new InvalidDataException("handshake refused: " + status);
            return new FrameLoadClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool EndsHead(List<byte> b)
        => b.Count >= 4 && b[^4] == '\r' && b[^3] == '\n' && b[^2] == '\r' && b[^1] == '\n';

    /// <summary>The frames of <paramref name="count"/> messages cycling through <paramref name="messages"/>, masked, end to end.</summary>
    public static byte[] Frames(byte[][] messages, int count)
    {
        var frames = messages.Select(Frame).ToArray();
        long total = 0;
        for (int i = 0; i < count; i++) total += frames[i % frames.Length].Length;
        var all = new byte[total];
        int at = 0;
        for (int i = 0; i < count; i++)
        {
            var f = frames[i % frames.Length];
            f.CopyTo(all, at);
            at += f.Length;
        }
        return all;
    }

    /// <summary>One masked binary frame carrying <paramref name="payload"/>.</summary>
    public static byte[] Frame(byte[] payload)
    {
        int len = payload.Length;
        int header = len <= 125 ? 2 : len <= ushort.MaxValue ? 4 : 10;
        var f = new byte[header + 4 + len];
        f[0] = 0x82; // FIN, binary
        if (header == 2) f[1] = (byte)(0x80 | len);
        else if (header == 4) { f[1] = 0x80 | 126; BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(2), (ushort)len); }
        else { f[1] = 0x80 | 127; BinaryPrimitives.WriteUInt64BigEndian(f.AsSpan(2), (ulong)len); }
        MaskKey.CopyTo(f, header);
        for (int i = 0; i < len; i++) f[header + 4 + i] = (byte)(payload[i] ^ MaskKey[i & 3]);
        return f;
    }

    /// <summary>
    /// Writes <paramref name="frames"/> (from <see cref="Frames"/>) in blocks while reading the echoes of
    /// <paramref name="lengths"/>' messages, in order; returns when the last echo is in.
    /// </summary>
    public async Task PipelineAsync(byte[] frames, Func<int, int> lengths, int count, CancellationToken token)
    {
        var writer = Task.Run(async () =>
        {
            for (int at = 0; at < frames.Length; at += BlockSize)
                await _socket.SendAsync(frames.AsMemory(at, Math.Min(BlockSize, frames.Length - at)), token);
        }, token);
        await ReadEchoesAsync(lengths, count, token);
        await writer;
    }

    /// <summary>
    /// The TCP segments this client's socket has sent (tcpi_segs_out of Linux's struct tcp_info, at byte 136), or null
    /// where the kernel does not report it. gorilla-echo reports the same figure for its connection (main.go).
    /// </summary>
    public long? SegmentsSent()
    {
        if (!OperatingSystem.IsLinux()) return null;
        Span<byte> info = stackalloc byte[256];
        try
        {
            int size = _socket.GetRawSocketOption(6 /* IPPROTO_TCP */, 11 /* TCP_INFO */, info);
            return size >= 140 ? System.Runtime.InteropServices.MemoryMarshal.Read<uint>(info[136..]) : null;
        }
        catch (SocketException) { return null; }
    }

    /// <summary>Sends one frame and reads its echo, <paramref name="count"/> times.</summary>
    public async Task RoundTripsAsync(byte[][] frames, Func<int, int> lengths, int count, CancellationToken token)
    {
        for (int i = 0; i < count; i++)
        {
            await _socket.SendAsync(frames[i % frames.Length], token);
            await ReadEchoesAsync(lengths, 1, token);
        }
    }

    private async Task ReadEchoesAsync(Func<int, int> lengths, int count, CancellationToken token)
    {
        long target = _counter.Echoes + count;
        while (_counter.Echoes < target)
        {
            int n = await _socket.ReceiveAsync(_readBuffer, token);
            if (n == 0) throw new InvalidDataException("the server closed the connection");
            _counter.Consume(_readBuffer.AsSpan(0, n), lengths);
        }
        if (_counter.Echoes != target) throw new InvalidDataException($"the server sent {_counter.Echoes - target} more echoes than asked for");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // A masked close 1000, then the socket goes; the server's answer is not waited for.
            byte[] close = [0x88, 0x82, .. MaskKey, (byte)(0x03 ^ MaskKey[0]), (byte)(0xe8 ^ MaskKey[1])];
            await _socket.SendAsync(close, SocketFlags.None);
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException) { }
        _socket.Dispose();
    }

    /// <summary>Walks the server's frames (unmasked, binary, one per message), counting them and checking each length.</summary>
    private sealed class EchoCounter
    {
        private readonly byte[] _header = new byte[10];
        private int _headerHave;
        private long _payloadLeft;

        public long Echoes { get; private set; }

        public void Consume(ReadOnlySpan<byte> data, Func<int, int> lengths)
        {
            while (!data.IsEmpty)
            {
                if (_payloadLeft > 0)
                {
                    int skip = (int)Math.Min(_payloadLeft, data.Length);
                    data = data[skip..];
                    _payloadLeft -= skip;
                    if (_payloadLeft == 0) Echoes++;
                    continue;
                }
                _header[_headerHave++] = data[0];
                data = data[1..];
                if (_headerHave < 2) continue;
                if (_header[0] != 0x82) throw new InvalidDataException($"expected a final binary frame, got first byte 0x{_header[0]:x2}");
                int code = _header[1] & 0x7f;
                if ((_header[1] & 0x80) != 0) throw new InvalidDataException("the server masked a frame");
                int need = code == 126 ? 4 : code == 127 ? 10 : 2;
                if (_headerHave < need) continue;
                long len = code == 126 ? BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(2)) : code == 127 ? (long)BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(2)) : code;
                _headerHave = 0;
                int expected = lengths((int)(Echoes % int.MaxValue));
                if (len != expected) throw new InvalidDataException($"echo {Echoes} is {len} bytes, sent {expected}");
                _payloadLeft = len;
                if (len == 0) Echoes++;
            }
        }
    }
}
