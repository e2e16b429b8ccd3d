using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using BenchmarkDotNet.Attributes;
using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;

namespace WebSocketKit.Benchmarks;

/// <summary>
/// A compressed echo round trip over loopback TCP, side by side: our client Conn against our
/// echoing server Conn, and a System.Net.WebSockets client against a System.Net.WebSockets server,
/// both with permessage-deflate at window 15 with context takeover and level 6 (what .NET uses),
/// on the same JSON-like messages. One operation sends every message of the batch and reads its
/// echo, so each message is compressed twice and inflated twice.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class CompressedEchoBenchmarks
{
    [Params("json-small", "json-16k")]
    public string Input { get; set; } = "json-small";

    private byte[][] _messages = [];
    private readonly List<IDisposable> _owned = [];
    private Conn _ourClient = null!;
    private Task _ourEcho = null!;
    private WebSocket _netClient = null!;
    private Task _netEcho = null!;
    private readonly ArrayBufferWriter<byte> _ourIn = new(64 * 1024);
    private readonly byte[] _netIn = new byte[64 * 1024];

    [GlobalSetup]
    public void Setup()
    {
        var rnd = new Random(42);
        _messages = Input == "json-16k"
            ? Enumerable.Range(0, 16).Select(_ => CompressionInputs.Json(rnd, 16 * 1024)).ToArray()
            : Enumerable.Range(0, 64).Select(_ => CompressionInputs.Json(rnd, 100 + rnd.Next(400))).ToArray();

        var agreed = new PerMessageDeflateParameters(false, false, 15, 15) { Level = 6 };
        var (a, b) = ConnectedPair();
        var ourServer = new Conn(a, Role.Server, compression: agreed);
        _ourClient = new Conn(b, Role.Client, compression: agreed);
        _ourEcho = OurEchoAsync(ourServer);

        var deflate = new WebSocketDeflateOptions { ClientMaxWindowBits = 15, ServerMaxWindowBits = 15, ClientContextTakeover = true, ServerContextTakeover = true };
        var (c, d) = ConnectedPair();
        var netServer = WebSocket.CreateFromStream(c, new WebSocketCreationOptions { IsServer = true, DangerousDeflateOptions = deflate });
        _netClient = WebSocket.CreateFromStream(d, new WebSocketCreationOptions { IsServer = false, DangerousDeflateOptions = deflate });
        _owned.Add(netServer);
        _owned.Add(_netClient);
        _netEcho = NetEchoAsync(netServer);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ourClient.Abort();
        foreach (var o in _owned) o.Dispose();
        _ = Task.WhenAll(_ourEcho, _netEcho).ContinueWith(t => t.Exception, TaskScheduler.Default);
    }

    [Benchmark(Baseline = true)]
    public async Task<long> SystemNetWebSockets()
    {
        long total = 0;
        foreach (var m in _messages)
        {
            await _netClient.SendAsync(m, WebSocketMessageType.Text, true, default);
            ValueWebSocketReceiveResult r;
            do
            {
                r = await _netClient.ReceiveAsync(_netIn.AsMemory(), default);
                total += r.Count;
            } while (!r.EndOfMessage);
        }
        return total;
    }

    [Benchmark]
    public async Task<long> WebSocketKitConn()
    {
        long total = 0;
        foreach (var m in _messages)
        {
            await _ourClient.WriteMessageAsync(MessageType.Text, m);
            _ourIn.ResetWrittenCount();
            await _ourClient.ReadMessageAsync(_ourIn);
            total += _ourIn.WrittenCount;
        }
        return total;
    }

    private static async Task OurEchoAsync(Conn server)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        try
        {
            while (true)
            {
                buffer.ResetWrittenCount();
                var type = await server.ReadMessageAsync(buffer);
                await server.WriteMessageAsync(type, buffer.WrittenMemory);
            }
        }
        catch (Exception e) when (e is CloseException or ConnectionClosedException or WebSocketProtocolException) { }
        finally
        {
            server.Abort();
        }
    }

    private static async Task NetEchoAsync(WebSocket server)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int filled = 0;
                ValueWebSocketReceiveResult r;
                do
                {
                    r = await server.ReceiveAsync(buffer.AsMemory(filled), default);
                    filled += r.Count;
                } while (!r.EndOfMessage);
                if (r.MessageType == WebSocketMessageType.Close) return;
                await server.SendAsync(buffer.AsMemory(0, filled), r.MessageType, true, default);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException) { }
    }

    // Two ends of one loopback TCP connection, as streams.
    private (NetworkStream, NetworkStream) ConnectedPair()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.Connect(listener.LocalEndpoint);
        var server = listener.AcceptSocket();
        server.NoDelay = true;
        var pair = (new NetworkStream(server, ownsSocket: true), new NetworkStream(client, ownsSocket: true));
        _owned.Add(pair.Item1);
        _owned.Add(pair.Item2);
        return pair;
    }
}
