using System.Net;
using System.Net.Sockets;

namespace WebSocketKit.EchoBench;

/// <summary>
/// The wire limit: plain sockets echoing the same bytes with no framing, so a WebSocket figure can be
/// stated as a share of what TCP on loopback carries in the same run. Raw TCP has no message
/// boundaries, so the server echoes in units of the one message size it serves (1 MiB, the shape
/// raw TCP runs in): it reads a whole unit, then writes it back in one call, as a WebSocket server
/// does with a whole message. Echoing each read as it comes would make many small writes and
/// measure that call count, not the wire.
/// </summary>
internal static class RawEcho
{
    public const int MessageSize = 1 << 20;

    public static async Task ServeAsync(Stream stream, CancellationToken token)
    {
        var buf = new byte[MessageSize];
        while (true)
        {
            int filled = await stream.ReadAtLeastAsync(buf, buf.Length, throwOnEndOfStream: false, token);
            if (filled < buf.Length) return; // the client went away
            await stream.WriteAsync(buf, token);
        }
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
