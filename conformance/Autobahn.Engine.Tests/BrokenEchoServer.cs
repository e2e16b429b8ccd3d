using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Autobahn.Engine.Tests;

/// <summary>Faults a test echo server can be built with, each one a rule of RFC 6455 it breaks.</summary>
[Flags]
public enum Faults
{
    None = 0,
    /// <summary>Echoes text messages without checking that they are UTF-8.</summary>
    SkipUtf8Validation = 1,
    /// <summary>Treats RSV bits that no agreed extension defines as if they were clear.</summary>
    IgnoreReservedBits = 2,
    /// <summary>Fails connections with 1000 (normal) instead of the code the fault calls for (1002, 1007).</summary>
    WrongFailureCode = 4,
    /// <summary>Accepts and answers pings with more than 125 octets of payload.</summary>
    AcceptLongPing = 8,
    /// <summary>Negotiates permessage-deflate but damages one octet of every compressed message it sends.</summary>
    CorruptCompressed = 16,
    /// <summary>Fails connections with the right code, but 1.5 s late: a peer whose process waited for a core.</summary>
    SlowToFail = 32,
}

/// <summary>
/// A small raw-TCP echo server written here, independent of the engine's codec, that is conformant except for the
/// faults it is built with: the negative controls the engine must catch.
/// </summary>
public sealed class BrokenEchoServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly Faults _faults;

    public Uri Url { get; }

    public BrokenEchoServer(Faults faults)
    {
        _faults = faults;
        _listener.Start();
        Url = new Uri($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptLoopAsync();
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptSocketAsync(_stop.Token);
                _ = ServeAsync(client);
            }
        }
        catch (OperationCanceledException) { }
        catch (SocketException) { }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            var stream = new NetworkStream(socket);
            var (pending, deflate) = await HandshakeAsync(socket, stream, timeout.Token);
            await new Connection(socket, stream, pending, _faults, deflate).RunAsync(timeout.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or InvalidDataException) { }
    }

    private static async Task<(List<byte> Pending, bool Deflate)> HandshakeAsync(Socket socket, NetworkStream stream, CancellationToken ct)
    {
        var data = new List<byte>();
        var buffer = new byte[4096];
        int end;
        while ((end = IndexOfBlankLine(data)) < 0)
        {
            int n = await stream.ReadAsync(buffer, ct);
            if (n == 0 || data.Count > 16384) throw new InvalidDataException("no complete upgrade request");
            data.AddRange(buffer.AsSpan(0, n));
        }
        var request = Encoding.Latin1.GetString(data.GetRange(0, end).ToArray());
        var headers = request.Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p.Length == 2).ToList();
        string? Header(string name) => headers.FirstOrDefault(p => p[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))?[1].Trim();
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(Header("Sec-WebSocket-Key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        // Compression only when offered with client_no_context_takeover: each message then stands alone in both directions.
        bool deflate = Header("Sec-WebSocket-Extensions") is { } ext && ext.Split(',')[0].Contains("permessage-deflate") && ext.Split(',')[0].Contains("client_no_context_takeover");
        var extension = deflate ? "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover\r\n" : "";
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n{extension}\r\n"), ct);
        return (data.GetRange(end + 4, data.Count - end - 4), deflate);
    }

    private static int IndexOfBlankLine(List<byte> d)
    {
        for (int i = 0; i + 3 < d.Count; i++)
            if (d[i] == '\r' && d[i + 1] == '\n' && d[i + 2] == '\r' && d[i + 3] == '\n') return i;
        return -1;
    }

    private sealed class Connection(Socket socket, NetworkStream stream, List<byte> pending, Faults faults, bool deflate)
    {
        private bool _compressed;
        private readonly List<byte> _in = pending;
        private readonly byte[] _buffer = new byte[65536];
        private List<byte>? _message;
        private int _messageOpcode;

        public async Task RunAsync(CancellationToken ct)
        {
            while (true)
            {
                var frame = await ReadFrameAsync(ct);
                if (frame is null) return;
                var (fin, rsv, opcode, masked, payload) = frame.Value;
                if (deflate && rsv == 4 && opcode is 1 or 2) { rsv = 0; _compressed = true; }
                else if (opcode is 1 or 2) _compressed = false;
                // The fault: bits no agreed extension gives a meaning to pass unnoticed.
                if (faults.HasFlag(Faults.IgnoreReservedBits)) rsv = 0;
                bool longPingAllowed = faults.HasFlag(Faults.AcceptLongPing) && opcode == 9;
                if (!masked || rsv != 0 || opcode is (>= 3 and <= 7) or > 10 || (opcode >= 8 && (!fin || (payload.Length > 125 && !longPingAllowed)))
                    || (opcode == 0 && _message is null) || (opcode is 1 or 2 && _message is not null))
                {
                    await FailAsync(1002, ct);
                    return;
                }
                switch (opcode)
                {
                    case 8:
                        await AnswerCloseAsync(payload, ct);
                        return;
                    case 9:
                        await SendAsync(10, payload, ct);
                        continue;
                    case 10:
                        continue;
                }
                if (opcode != 0) { _message = []; _messageOpcode = opcode; }
                _message!.AddRange(payload);
                if (!fin) continue;
                var whole = _message.ToArray();
                _message = null;
                if (_compressed) whole = Inflate(whole);
                if (_messageOpcode == 1 && !faults.HasFlag(Faults.SkipUtf8Validation) && !System.Text.Unicode.Utf8.IsValid(whole))
                {
                    await FailAsync(1007, ct);
                    return;
                }
                if (deflate) await SendAsync(_messageOpcode, Deflate(whole), ct, rsv1: true);
                else await SendAsync(_messageOpcode, whole, ct);
            }
        }

        private static byte[] Inflate(byte[] payload)
        {
            using var input = new MemoryStream([.. payload, 0x00, 0x00, 0xFF, 0xFF]);
            using var inflater = new System.IO.Compression.DeflateStream(input, System.IO.Compression.CompressionMode.Decompress);
            using var output = new MemoryStream();
            inflater.CopyTo(output);
            return output.ToArray();
        }

        private byte[] Deflate(byte[] message)
        {
            using var output = new MemoryStream();
            using (var deflater = new System.IO.Compression.DeflateStream(output, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            {
                deflater.Write(message);
                deflater.Flush();
            }
            // The sync flush ends with 00 00 FF FF, which the sender drops; disposing added a final block after it.
            var all = output.ToArray();
            int tail = all.AsSpan().LastIndexOf((byte[])[0x00, 0x00, 0xFF, 0xFF]);
            var body = all[..tail];
            if (faults.HasFlag(Faults.CorruptCompressed) && body.Length > 2) body[body.Length / 2] ^= 0x5A;
            return body;
        }

        private async Task AnswerCloseAsync(byte[] payload, CancellationToken ct)
        {
            if (payload.Length == 1) { await FailAsync(1002, ct); return; }
            if (payload.Length >= 2)
            {
                int code = BinaryPrimitives.ReadUInt16BigEndian(payload);
                bool validCode = code is (>= 1000 and <= 1003) or (>= 1007 and <= 1011) or (>= 3000 and <= 4999);
                if (!validCode) { await FailAsync(1002, ct); return; }
                if (!System.Text.Unicode.Utf8.IsValid(payload.AsSpan(2))) { await FailAsync(1007, ct); return; }
            }
            await SendAsync(8, [0x03, 0xE8], ct);
            await CloseAsync(ct);
        }

        private async Task FailAsync(int code, CancellationToken ct)
        {
            if (faults.HasFlag(Faults.WrongFailureCode)) code = 1000;
            if (faults.HasFlag(Faults.SlowToFail)) await Task.Delay(TimeSpan.FromSeconds(1.5), ct);
            var body = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(body, (ushort)code);
            await SendAsync(8, body, ct);
            await CloseAsync(ct);
        }

        /// <summary>Closes our side, then reads until the client closes too (so no reset destroys our close frame).</summary>
        private async Task CloseAsync(CancellationToken ct)
        {
            socket.Shutdown(SocketShutdown.Send);
            using var linger = CancellationTokenSource.CreateLinkedTokenSource(ct);
            linger.CancelAfter(TimeSpan.FromSeconds(3));
            try { while (await stream.ReadAsync(_buffer, linger.Token) > 0) { } }
            catch (OperationCanceledException) { }
        }

        private async Task SendAsync(int opcode, byte[] payload, CancellationToken ct, bool rsv1 = false)
        {
            var header = new List<byte> { (byte)(0x80 | (rsv1 ? 0x40 : 0) | opcode) };
            if (payload.Length <= 125) header.Add((byte)payload.Length);
            else if (payload.Length <= 0xFFFF) { header.Add(126); header.Add((byte)(payload.Length >> 8)); header.Add((byte)payload.Length); }
            else { header.Add(127); for (int s = 56; s >= 0; s -= 8) header.Add((byte)((long)payload.Length >> s)); }
            await stream.WriteAsync((byte[])[.. header, .. payload], ct);
        }

        private async Task<(bool Fin, int Rsv, int Opcode, bool Masked, byte[] Payload)?> ReadFrameAsync(CancellationToken ct)
        {
            if (!await FillAsync(2, ct)) return null;
            bool fin = (_in[0] & 0x80) != 0; int rsv = (_in[0] >> 4) & 7; int opcode = _in[0] & 0x0F;
            bool masked = (_in[1] & 0x80) != 0; long len = _in[1] & 0x7F; int pos = 2;
            if (len == 126) { if (!await FillAsync(4, ct)) return null; len = (_in[2] << 8) | _in[3]; pos = 4; }
            else if (len == 127)
            {
                if (!await FillAsync(10, ct)) return null;
                len = 0; for (int i = 2; i < 10; i++) len = (len << 8) | _in[i];
                pos = 10;
            }
            if (len > 64 * 1024 * 1024) throw new InvalidDataException("frame too large for the test server");
            int maskAt = pos;
            if (masked) pos += 4;
            if (!await FillAsync(pos + (int)len, ct)) return null;
            var payload = _in.GetRange(pos, (int)len).ToArray();
            if (masked) for (int i = 0; i < payload.Length; i++) payload[i] ^= _in[maskAt + (i & 3)];
            _in.RemoveRange(0, pos + (int)len);
            return (fin, rsv, opcode, masked, payload);
        }

        private async Task<bool> FillAsync(int count, CancellationToken ct)
        {
            while (_in.Count < count)
            {
                int n = await stream.ReadAsync(_buffer, ct);
                if (n == 0) return false;
                _in.AddRange(_buffer.AsSpan(0, n));
            }
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
