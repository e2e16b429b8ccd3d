using System.Buffers;
using System.Net;
using System.Net.Sockets;
using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Handshake;

namespace WebSocketKit.EchoBench;

/// <summary>
/// Our side: the Upgrader on the server, and on the client a small connector that does the opening
/// handshake with the Sans-IO ClientHandshake over a TcpClient and wraps the socket in a client-role
/// Conn. The connector stands in until the Dialer is in main; then <see cref="ConnectAsync"/> calls it.
/// </summary>
internal static class OursEndpoints
{
    /// <summary>
    /// Connects with permessage-deflate offered and the agreed parameters passed to the Conn. Set by
    /// OursCompression.cs, which needs the compression-aware Conn constructor (the pmd branch); null
    /// means this build cannot compress with our implementation, and the compressed shapes skip it.
    /// </summary>
    public static Func<int, CancellationToken, Task<Conn>>? CompressedConnector { get; set; }

    private static readonly Upgrader Plain = new();
    private static readonly Upgrader Compressing = new() { EnableCompression = true };

    public static bool CanCompress => CompressedConnector is not null;

    public static ValueTask<Conn> AcceptAsync(Stream stream, bool compress, CancellationToken token)
        => (compress ? Compressing : Plain).UpgradeAsync(stream, cancellationToken: token);

    public static async Task EchoAsync(Conn conn, CancellationToken token)
    {
        await using var _ = conn;
        var message = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var type = await conn.ReadMessageAsync(message, token);
            await conn.WriteMessageAsync(type, message.WrittenMemory, token);
            message.ResetWrittenCount();
        }
    }

    public static async Task<IEchoClient> ConnectAsync(int port, bool compress, CancellationToken token)
    {
        if (compress)
        {
            var connector = CompressedConnector ?? throw new NotSupportedException("our compression needs the pmd branch");
            return new Client(await connector(port, token));
        }
        var (stream, verdict, rest) = await HandshakeAsync(port, null, token);
        return new Client(new Conn(stream, Role.Client, null, verdict.Subprotocol, rest));
    }

    /// <summary>Connects and completes the opening handshake; returns the stream, the verdict and the bytes read past the 101.</summary>
    public static async Task<(NetworkStream Stream, ResponseVerdict Verdict, byte[] Leftover)> HandshakeAsync(int port, string? extensionOffer, CancellationToken token)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port, token);
        var stream = new NetworkStream(socket, ownsSocket: true);
        string key = WebSocketKey.NewKey();
        await stream.WriteAsync(ClientHandshake.BuildRequest($"127.0.0.1:{port}", "/", key, extensions: extensionOffer), token);
        var buf = new byte[8192];
        int filled = 0;
        while (true)
        {
            var status = HttpHeadParser.ParseResponse(buf.AsSpan(0, filled), HttpParseLimits.Default, out var head, out int consumed, out var error);
            if (status == HttpParseStatus.Complete)
            {
                var verdict = ClientHandshake.ValidateResponse(head!, key, null, extensionOffer is not null);
                if (!verdict.Accepted) throw new HandshakeException(head!.StatusCode, verdict.Error!);
                return (stream, verdict, buf[consumed..filled]);
            }
            if (status == HttpParseStatus.Invalid) throw new InvalidDataException("bad handshake response: " + error);
            int n = await stream.ReadAsync(buf.AsMemory(filled), token);
            if (n == 0) throw new EndOfStreamException("the server closed during the handshake");
            filled += n;
        }
    }

    private sealed class Client(Conn conn) : IEchoClient
    {
        private readonly SliceWriter _into = new();

        public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken token)
            => conn.WriteMessageAsync(MessageType.Binary, message, token);

        // Pooled, so the harness's own wrapper allocates nothing per message and the figures are the implementation's.
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, int expected, CancellationToken token)
        {
            _into.Reset(buffer);
            await conn.ReadMessageAsync(_into, token);
            return _into.Written;
        }

        public ValueTask DisposeAsync() => conn.DisposeAsync();
    }

    /// <summary>Lets a message be read into caller-owned memory without a copy or an allocation.</summary>
    private sealed class SliceWriter : IBufferWriter<byte>
    {
        private Memory<byte> _target;
        public int Written { get; private set; }

        public void Reset(Memory<byte> target)
        {
            _target = target;
            Written = 0;
        }

        public void Advance(int count) => Written += count;

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            var rest = _target[Written..];
            if (rest.IsEmpty) throw new InvalidOperationException("echo larger than the receive buffer");
            return rest;
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }
}
