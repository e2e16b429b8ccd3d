using System.Net;
using System.Net.Sockets;

namespace WebSocketKit.EchoBench;

/// <summary>
/// The wire limit: plain sockets echoing the same bytes with no framing, so a WebSocket figure can be
/// stated as a share of what TCP on loopback carries in the same run. The server reads with a buffer
/// as large as the largest message (1 MiB), so it makes no more system calls than a WebSocket server
/// that reads a whole payload in one go; with a smaller buffer the baseline measures its own call
/// count, not the wire.
/// </summary>
internal static class RawEcho
{
    public static async Task ServeAsync(Stream stream, CancellationToken token)
    {
        var buf = new byte[1 << 20];
        int n;
        while ((n = await stream.ReadAsync(buf, token)) > 0)
            await stream.WriteAsync(buf.AsMemory(0, n), token);
    }

    public static async Task<IEchoClient> ConnectAsync(int port, CancellationToken token)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port, token);
        return new Client(new NetworkStream(socket, ownsSocket: true));
    }

    private sealed class Client(NetworkStream stream) : IEchoClient
    {
        public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken token) => stream.WriteAsync(message, token);

        // Pooled, so the harness's own wrapper allocates nothing per message and the figures are the implementation's.
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, int expected, CancellationToken token)
        {
            await stream.ReadExactlyAsync(buffer[..expected], token);
            return expected;
        }

        public ValueTask DisposeAsync() => stream.DisposeAsync();
    }
}
