// A consumer of the packed WebSocketKit and WebSocketKit.AspNetCore packages, as a user would write it:
//   tcp     - a WebSocketKit server (Upgrader on a TcpListener, 127.0.0.1:0) and client (Dialer)
//   kestrel - the same client against ASP.NET Core (Kestrel) upgrading with WebSocketKit.AspNetCore
// Each mode echoes text, binary and permessage-deflate messages; exit 0 only if every echo matches.
// No argument runs both modes. The whole run is bounded (30 s).
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using WebSocketKit;
using WebSocketKit.AspNetCore;

using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
var ct = timeout.Token;
string[] modes = args.Length > 0 ? args : ["tcp", "kestrel"];
int failures = 0;

foreach (var (name, assembly) in new[] { ("WebSocketKit", typeof(Conn).Assembly), ("WebSocketKit.AspNetCore", typeof(HttpContextUpgrade).Assembly) })
{
    var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
    Console.WriteLine($"{name} {version} from {assembly.Location}");
}

try
{
    foreach (var mode in modes)
    {
        failures += mode switch
        {
            "tcp" => await TcpMode(ct),
            "kestrel" => await KestrelMode(ct),
            _ => throw new ArgumentException($"unknown mode '{mode}' (tcp, kestrel)"),
        };
    }
}
catch (Exception e)
{
    Console.WriteLine($"FAIL: {e.GetType().Name}: {e.Message}");
    failures++;
}
Console.WriteLine(failures == 0 ? "consumer: all echoes matched" : $"consumer: {failures} failure(s)");
return failures == 0 ? 0 : 1;

// ---- tcp: Upgrader on a TcpListener ----
static async Task<int> TcpMode(CancellationToken ct)
{
    var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    var upgrader = new Upgrader { EnableCompression = true };
    var serving = ServeTcp(listener, upgrader, ct);
    try
    {
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return await ClientEchoes("tcp", new Uri($"ws://127.0.0.1:{port}/echo"), ct);
    }
    finally
    {
        listener.Stop();
        await serving;
    }
}

static async Task ServeTcp(TcpListener listener, Upgrader upgrader, CancellationToken ct)
{
    var connections = new List<Task>();
    try
    {
        while (true)
        {
            var client = await listener.AcceptTcpClientAsync(ct);
            connections.Add(Task.Run(async () =>
            {
                using (client)
                await using (var stream = client.GetStream())
                await using (var conn = await upgrader.UpgradeAsync(stream, cancellationToken: ct))
                    await Echo(conn, ct);
            }, ct));
        }
    }
    catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException) { }
    await Task.WhenAll(connections);
}

// ---- kestrel: WebSocketKit.AspNetCore ----
static async Task<int> KestrelMode(CancellationToken ct)
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    await using var app = builder.Build();
    var upgrader = new Upgrader { EnableCompression = true };
    app.Map("/echo", async (HttpContext context) =>
    {
        if (!context.IsWebSocketUpgrade())
        {
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            return;
        }
        await using var conn = await upgrader.UpgradeAsync(context);
        await Echo(conn, context.RequestAborted);
    });
    await app.StartAsync(ct);
    try
    {
        var address = app.Urls.First();
        var uri = new UriBuilder(address) { Scheme = "ws", Path = "/echo" }.Uri;
        return await ClientEchoes("kestrel", uri, ct);
    }
    finally
    {
        await app.StopAsync(CancellationToken.None);
    }
}

// The server side of both modes: every data message back unchanged, until the client closes.
static async Task Echo(Conn conn, CancellationToken ct)
{
    try
    {
        while (true)
        {
            var (type, data) = await conn.ReadMessageAsync(ct);
            await conn.WriteMessageAsync(type, data, ct);
        }
    }
    catch (CloseException) { }
}

// ---- the client: a plain and a permessage-deflate connection, each echoing text and binary ----
static async Task<int> ClientEchoes(string mode, Uri uri, CancellationToken ct)
{
    int failures = 0;
    var random = new Random(6455);
    var binary = new byte[3000];
    random.NextBytes(binary);
    var json = string.Concat(Enumerable.Range(0, 400).Select(i => $"{{\"id\":{i},\"name\":\"item {i}\",\"tags\":[\"a\",\"b\"]}},"));
    var messages = new (MessageType Type, byte[] Data)[]
    {
        (MessageType.Text, Encoding.UTF8.GetBytes("hello, WebSocketKit")),
        (MessageType.Text, Encoding.UTF8.GetBytes("grüße, 世界 🌍")),
        (MessageType.Binary, binary),
        (MessageType.Text, Encoding.UTF8.GetBytes(json)),
        (MessageType.Binary, []),
    };
    foreach (var compress in new[] { false, true })
    {
        // The client's TCP stream, counted, to see that permessage-deflate really shrinks the JSON on the wire.
        CountingStream? wire = null;
        var dialer = new Dialer
        {
            EnableCompression = compress,
            NetDial = async (host, port, token) =>
            {
                var tcp = new TcpClient { NoDelay = true };
                await tcp.ConnectAsync(host, port, token);
                return wire = new CountingStream(tcp.GetStream());
            },
        };
        var (conn, response) = await dialer.DialAsync(uri, cancellationToken: ct);
        await using (conn)
        {
            string label = $"{mode}{(compress ? " permessage-deflate" : "")}";
            bool negotiated = conn.Compression is not null;
            if (negotiated != compress)
            {
                Console.WriteLine($"FAIL: {label}: permessage-deflate negotiated={negotiated}, wanted {compress} ({response.StatusCode})");
                failures++;
            }
            foreach (var (type, data) in messages)
            {
                long before = wire!.BytesRead;
                await conn.WriteMessageAsync(type, data, ct);
                var (gotType, got) = await conn.ReadMessageAsync(ct);
                long onWire = wire.BytesRead - before;
                bool ok = gotType == type && got.AsSpan().SequenceEqual(data);
                // The JSON text compresses to a small fraction; uncompressed it cannot be smaller than itself.
                bool sizeOk = data.Length < 10000 || (compress ? onWire < data.Length / 4 : onWire >= data.Length);
                Console.WriteLine($"{(ok && sizeOk ? "PASS" : "FAIL")}: {label}: {type} {data.Length} B echoed, {onWire} B on the wire"
                    + (ok ? "" : $", got {gotType} {got.Length} B") + (sizeOk ? "" : ", not the size expected"));
                if (!ok || !sizeOk) failures++;
            }
            await conn.CloseAsync(cancellationToken: ct);
        }
    }
    return failures;
}

// Counts the bytes the client reads off the socket.
sealed class CountingStream(Stream inner) : Stream
{
    private long _read;
    public long BytesRead => Interlocked.Read(ref _read);
    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => Counted(await inner.ReadAsync(buffer, cancellationToken));
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        => inner.WriteAsync(buffer, cancellationToken);
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => inner.WriteAsync(buffer, offset, count, cancellationToken);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
    public override ValueTask DisposeAsync() => inner.DisposeAsync();
    private int Counted(int n)
    {
        Interlocked.Add(ref _read, n);
        return n;
    }
}
