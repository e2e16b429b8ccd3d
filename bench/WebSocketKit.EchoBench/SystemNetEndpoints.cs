using System.Net.WebSockets;
using WebSocketKit.Protocol.Compression;
using WebSocketKit.Protocol.Handshake;

namespace WebSocketKit.EchoBench;

/// <summary>
/// System.Net.WebSockets: ClientWebSocket as client; on the server WebSocket.CreateFromStream after
/// a 101 written here (the request is parsed with our Sans-IO helpers: the handshake is not timed).
/// </summary>
internal static class SystemNetEndpoints
{
    public static async Task<WebSocket> AcceptAsync(Stream stream, bool compress, CancellationToken token)
    {
        var buf = new byte[8192];
        int filled = 0;
        HttpRequestHead? request;
        while (true)
        {
            var status = HttpHeadParser.ParseRequest(buf.AsSpan(0, filled), HttpParseLimits.Default, out request, out int consumed, out var error);
            if (status == HttpParseStatus.Complete)
            {
                if (consumed != filled) throw new InvalidDataException("the client sent data before the 101");
                break;
            }
            if (status == HttpParseStatus.Invalid) throw new InvalidDataException("bad upgrade request: " + error);
            int n = await stream.ReadAsync(buf.AsMemory(filled), token);
            if (n == 0) throw new EndOfStreamException("the client closed during the handshake");
            filled += n;
        }
        var verdict = ServerHandshake.Validate(request!);
        if (!verdict.Accepted) throw new HandshakeException(verdict.Status, verdict.Reason);
        WebSocketDeflateOptions? deflate = null;
        string? extensions = null;
        if (compress)
        {
            var offers = request!.Headers.Where(h => string.Equals(h.Key, "Sec-WebSocket-Extensions", StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);
            if (PerMessageDeflateNegotiation.TryAcceptOffer(offers, new PerMessageDeflateOptions(), out var p, out extensions))
                deflate = new WebSocketDeflateOptions
                {
                    ClientMaxWindowBits = p!.ClientMaxWindowBits,
                    ServerMaxWindowBits = p.ServerMaxWindowBits,
                    ClientContextTakeover = !p.ClientNoContextTakeover,
                    ServerContextTakeover = !p.ServerNoContextTakeover,
                };
        }
        await stream.WriteAsync(ServerHandshake.BuildAccept(verdict.Key!, null, extensions), token);
        return WebSocket.CreateFromStream(stream, new WebSocketCreationOptions
        {
            IsServer = true,
            KeepAliveInterval = TimeSpan.Zero,
            DangerousDeflateOptions = deflate,
        });
    }

    public static async Task EchoAsync(WebSocket ws, CancellationToken token)
    {
        using var _ = ws;
        var buf = new byte[4096];
        while (true)
        {
            int n = 0;
            ValueWebSocketReceiveResult r;
            do
            {
                if (n == buf.Length) Array.Resize(ref buf, buf.Length * 2);
                r = await ws.ReceiveAsync(buf.AsMemory(n), token);
                n += r.Count;
            } while (!r.EndOfMessage);
            if (r.MessageType == WebSocketMessageType.Close) return;
            await ws.SendAsync(buf.AsMemory(0, n), r.MessageType, true, token);
        }
    }

    public static async Task<IEchoClient> ConnectAsync(int port, bool compress, CancellationToken token)
    {
        var ws = new ClientWebSocket();
        ws.Options.KeepAliveInterval = TimeSpan.Zero;
        if (compress) ws.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/"), token);
        return new Client(ws);
    }

    private sealed class Client(ClientWebSocket ws) : IEchoClient
    {
        public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken token)
            => ws.SendAsync(message, WebSocketMessageType.Binary, true, token);

        // Pooled, so the harness's own wrapper allocates nothing per message and the figures are the implementation's.
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, int expected, CancellationToken token)
        {
            int n = 0;
            ValueWebSocketReceiveResult r;
            do
            {
                r = await ws.ReceiveAsync(buffer[n..], token);
                n += r.Count;
            } while (!r.EndOfMessage);
            if (r.MessageType == WebSocketMessageType.Close) throw new EndOfStreamException("the server closed");
            return n;
        }

        public ValueTask DisposeAsync()
        {
            ws.Abort();
            ws.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
