using System.Net;
using System.Net.Sockets;
using System.Text;
using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Handshake;

namespace WebSocketKit.ConnTests;

/// <summary>A client that writes raw bytes on a real socket, to feed a server what no proper client would.</summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    public NetworkStream Stream { get; }

    private RawPeer(TcpClient tcp)
    {
        _tcp = tcp;
        Stream = tcp.GetStream();
    }

    public static async Task<RawPeer> ConnectAsync(int port)
    {
        var tcp = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Loopback.Bound);
        return new RawPeer(tcp);
    }

    /// <summary>Connects and completes a proper opening handshake.</summary>
    public static async Task<RawPeer> UpgradedAsync(int port)
    {
        var peer = await ConnectAsync(port);
        string key = WebSocketKey.NewKey();
        await peer.SendAsync(ClientHandshake.BuildRequest($"127.0.0.1:{port}", "/", key));
        var (head, after) = await Loopback.ReadResponseAsync(peer.Stream);
        if (!ClientHandshake.ValidateResponse(head, key).Accepted || after.Length != 0) throw new InvalidDataException("bad 101");
        return peer;
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> bytes) => Stream.WriteAsync(bytes);

    public ValueTask SendAsync(string ascii) => Stream.WriteAsync(Encoding.Latin1.GetBytes(ascii));

    /// <summary>A masked frame as a client must send it, with any header bits the test wants.</summary>
    public static byte[] Frame(byte firstByte, ReadOnlySpan<byte> payload, bool masked = true, long? declaredLength = null)
    {
        long len = declaredLength ?? payload.Length;
        var buf = new byte[FrameHeader.MaxSize + payload.Length];
        int n = FrameEncoder.WriteHeader(buf, true, Opcode.Binary, len, masked, masked ? 0x12345678u : 0);
        buf[0] = firstByte;
        payload.CopyTo(buf.AsSpan(n));
        if (masked) Masking.Apply(buf.AsSpan(n, payload.Length), 0x12345678u, 0);
        return buf[..(n + payload.Length)];
    }

    /// <summary>Reads everything until the server closes TCP; bounded in time.</summary>
    public async Task<byte[]> ReadToEndAsync()
    {
        var ms = new MemoryStream();
        var buf = new byte[8192];
        using var cts = new CancellationTokenSource(Loopback.Bound);
        while (true)
        {
            int n;
            try { n = await Stream.ReadAsync(buf, cts.Token); }
            catch (IOException) { break; } // reset after close: what came before still counts
            if (n == 0) break;
            ms.Write(buf, 0, n);
        }
        return ms.ToArray();
    }

    /// <summary>Reads until EOF and returns the close code of the server's Close frame (or null if none came).</summary>
    public async Task<int?> ReadCloseCodeAsync()
    {
        var bytes = await ReadToEndAsync();
        var d = new FrameDecoder(Role.Client);
        var input = bytes.AsSpan();
        var dest = new byte[bytes.Length];
        int got = 0;
        while (true)
        {
            var ev = d.Decode(input, dest.AsSpan(got), out int c, out int w);
            input = input[c..];
            switch (ev)
            {
                case FrameEvent.Header: got = 0; break;
                case FrameEvent.Payload: got += w; break;
                case FrameEvent.FrameEnd:
                    if (d.Header.Opcode == Opcode.Close)
                    {
                        ClosePayload.Parse(dest.AsSpan(0, got), out ushort code, out _);
                        return code;
                    }
                    break;
                default: return null;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        _tcp.Dispose();
    }
}
