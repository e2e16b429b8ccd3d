using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Handshake;
using Xunit;
using Xunit.Abstractions;

namespace WebSocketKit.ConnTests;

/// <summary>
/// 2000 concurrent connections through the echo server, then half of them dropped abruptly (TCP
/// reset; half of those in the middle of a frame): the rest keep echoing, a new connection works,
/// every server connection is released and managed memory returns to its baseline. Also measures
/// what an idle server connection costs.
/// </summary>
[Collection(nameof(Measurements))]
public class LoadTests(ITestOutputHelper output)
{
    private const int Connections = 2000;

    private sealed record RawClient(Socket Socket, NetworkStream Stream);

    private static async Task<RawClient> HandshakeAsync(int port, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port, ct);
        var stream = new NetworkStream(socket, ownsSocket: true);
        string key = WebSocketKey.NewKey();
        await stream.WriteAsync(ClientHandshake.BuildRequest($"127.0.0.1:{port}", "/load", key), ct);
        var (head, after) = await Loopback.ReadResponseAsync(stream);
        Assert.True(ClientHandshake.ValidateResponse(head, key).Accepted && after.Length == 0);
        return new RawClient(socket, stream);
    }

    private static void Reset(Socket s)
    {
        s.LingerState = new LingerOption(true, 0); // close with RST, not FIN
        s.Close();
    }

    private static long ManagedBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    [Fact]
    public async Task Two_thousand_connections_survive_half_of_them_being_reset_and_nothing_leaks()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = cts.Token;
        var clock = Stopwatch.StartNew();
        long baseline = ManagedBytes();
        await using (var server = new EchoServer.EchoServer(0, new Upgrader()))
        {
            server.Start();
            var clients = new RawClient[Connections];
            await Parallel.ForAsync(0, Connections, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = ct },
                async (i, c) => clients[i] = await HandshakeAsync(server.Port, c));
            await server.WaitForOpenConnectionsAsync(Connections, ct);
            long loaded = ManagedBytes();
            output.WriteLine($"{Connections} connections open after {clock.ElapsedMilliseconds} ms; managed memory +{(loaded - baseline) / Connections} B per connection " +
                             "(server Conn, its socket and echo loop, plus the raw client socket)");

            // Half are reset: every fourth in the middle of a frame (header and part of the payload sent).
            for (int i = 0; i < Connections; i += 2)
            {
                if (i % 4 == 0)
                {
                    var partial = new byte[64];
                    int n = FrameEncoder.WriteHeader(partial, true, Opcode.Binary, 1000, masked: true, maskKey: 0xA1B2C3D4);
                    await clients[i].Stream.WriteAsync(partial.AsMemory(0, n + 20), ct);
                }
                Reset(clients[i].Socket);
            }
            await server.WaitForOpenConnectionsAsync(Connections / 2, ct);
            output.WriteLine($"half reset; server down to {server.OpenConnections} after {clock.ElapsedMilliseconds} ms");

            // The survivors still echo.
            var survivors = Enumerable.Range(0, Connections).Where(i => i % 2 == 1)
                .Select(i => new Conn(clients[i].Stream, Role.Client)).ToArray();
            await Parallel.ForEachAsync(survivors, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = ct }, async (conn, c) =>
            {
                var payload = BitConverter.GetBytes(conn.LocalEndPoint!.GetHashCode());
                await conn.WriteMessageAsync(MessageType.Binary, payload, c);
                var (_, echoed) = await conn.ReadMessageAsync(c);
                Assert.Equal(payload, echoed);
            });

            // A new connection works.
            await using (var fresh = await Loopback.DialAsync(server.Port))
            {
                await fresh.WriteMessageAsync(MessageType.Text, "new"u8.ToArray(), ct);
                Assert.Equal("new"u8.ToArray(), (await fresh.ReadMessageAsync(ct)).Data);
                await fresh.CloseAsync(cancellationToken: ct);
            }

            // Close the rest cleanly; every server connection goes away.
            await Parallel.ForEachAsync(survivors, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = ct },
                async (conn, c) => await conn.CloseAsync(cancellationToken: c));
            await server.WaitForOpenConnectionsAsync(0, ct);
            output.WriteLine($"all closed after {clock.ElapsedMilliseconds} ms; handshakes {server.Handshakes}");
            Assert.Equal(Connections + 1, server.Handshakes);
        }
        long after = ManagedBytes();
        output.WriteLine($"managed memory: baseline {baseline / 1024} KiB, after everything closed {after / 1024} KiB");
        Assert.True(after - baseline < 4 << 20, $"managed memory grew by {(after - baseline) / 1024} KiB after all connections closed");
    }

    // Null: the default options, under which an idle connection holds neither a read nor a write
    // buffer: the same bound as releasing explicitly, half of what holding the read buffer costs.
    [Theory]
    [InlineData(false, 12 * 1024)]
    [InlineData(true, 6 * 1024)]
    [InlineData(null, 6 * 1024)]
    public async Task An_idle_server_connection_costs_a_few_kilobytes_of_managed_memory(bool? releaseReadBuffer, int bound)
    {
        const int N = 500;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = cts.Token;
        // Baseline: the same number of plain TCP connections, both ends held, no WebSocket.
        long plain;
        using (var listener = Loopback.Listen())
        {
            long before = ManagedBytes();
            var accepted = new Socket[N];
            var connected = new Socket[N];
            for (int i = 0; i < N; i++)
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                var accept = listener.AcceptSocketAsync(ct);
                await s.ConnectAsync(IPAddress.Loopback, listener.Port(), ct);
                connected[i] = s;
                accepted[i] = await accept;
            }
            plain = (ManagedBytes() - before) / N;
            foreach (var s in accepted.Concat(connected)) s.Dispose();
        }
        long ws;
        var options = new ConnectionOptions();
        if (releaseReadBuffer is { } release) options.ReleaseReadBufferWhenIdle = release;
        var upgrader = new Upgrader { ConnectionOptions = options };
        await using (var server = new EchoServer.EchoServer(0, upgrader))
        {
            server.Start();
            long before = ManagedBytes();
            var clients = new RawClient[N];
            for (int i = 0; i < N; i++) clients[i] = await HandshakeAsync(server.Port, ct);
            await server.WaitForOpenConnectionsAsync(N, ct);
            ws = (ManagedBytes() - before) / N;
            foreach (var c in clients) Reset(c.Socket);
            await server.WaitForOpenConnectionsAsync(0, ct);
        }
        long perConnection = ws - plain;
        output.WriteLine($"idle connection (ReleaseReadBufferWhenIdle={releaseReadBuffer?.ToString() ?? "default"}): {ws} B managed with WebSocket vs {plain} B for a plain TCP pair; " +
                         $"the WebSocket server side adds {perConnection} B (write buffer pooled while idle). Node ws: about 40 KB.");
        Assert.True(perConnection < bound, $"{perConnection} B per idle connection");
    }
}
