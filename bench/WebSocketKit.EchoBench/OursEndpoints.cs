using System.Buffers;
using System.Net;
using System.Net.Sockets;
using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;
using WebSocketKit.Protocol.Handshake;

namespace WebSocketKit.EchoBench;

/// <summary>
/// Our side: the Upgrader on the server, and on the client a small connector that does the opening
/// handshake with the Sans-IO ClientHandshake over a socket and wraps it in a client-role Conn (the
/// Dialer would do the same with more checks; this keeps the client's set-up identical to the server's).
/// </summary>
internal static class OursEndpoints
{
    /// <summary>Our connections' options, both ends; --hold-read-buffer turns off the default idle buffer release.</summary>
    public static ConnectionOptions Opts { get; } = new();

    private static readonly Upgrader Plain = new() { ConnectionOptions = Opts };

    /// <summary>The compression level an implementation variant uses: our default, or 6.</summary>
    public static int LevelFor(Impl impl) => impl == Impl.OursLevel6 ? 6 : PerMessageDeflateOptions.DefaultLevel;

    /// <summary>Upgrades; with a <paramref name="compressionLevel"/>, accepting permessage-deflate and compressing at it.</summary>
    public static ValueTask<Conn> AcceptAsync(Stream stream, int? compressionLevel, CancellationToken token)
        => (compressionLevel is { } level ? Compressing(level) : Plain).UpgradeAsync(stream, cancellationToken: token);

    private static readonly Dictionary<int, Upgrader> Compressors = [];

    private static Upgrader Compressing(int level)
    {
        lock (Compressors)
        {
            if (!Compressors.TryGetValue(level, out var u))
                Compressors[level] = u = new Upgrader { EnableCompression = true, CompressionOptions = new PerMessageDeflateOptions { Level = level } };
            return u;
        }
    }

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

    /// <summary>Connects; with a <paramref name="compressionLevel"/>, offering permessage-deflate and compressing at it.</summary>
    public static async Task<IEchoClient> ConnectAsync(int port, int? compressionLevel, CancellationToken token)
    {
        var offer = compressionLevel is { } level ? new PerMessageDeflateOptions { Level = level } : null;
        var (stream, verdict, rest) = await HandshakeAsync(port, offer is null ? null : PerMessageDeflateNegotiation.CreateOffer(offer), token);
        PerMessageDeflateParameters? agreed = null;
        if (offer is not null && PerMessageDeflateNegotiation.TryAcceptResponse(verdict.Extensions is null ? [] : [verdict.Extensions], offer, out agreed) is var error
            && error != ExtensionNegotiationError.None)
        {
            await stream.DisposeAsync();
            throw new InvalidDataException("the server's permessage-deflate answer is not acceptable: " + error);
        }
        return new Client(new Conn(stream, Role.Client, Opts, verdict.Subprotocol, rest, compression: agreed));
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
