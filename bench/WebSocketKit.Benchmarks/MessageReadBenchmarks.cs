using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using WebSocketKit.Protocol;

namespace WebSocketKit.Benchmarks;

/// <summary>
/// Reading whole messages from memory, no sockets: a server-side connection reads 256 masked client
/// messages replayed from one byte array, ours (<see cref="Conn.ReadMessageAsync(IBufferWriter{byte}, CancellationToken)"/>
/// into a reused writer) against System.Net.WebSockets (<c>WebSocket.CreateFromStream</c>,
/// <c>ReceiveAsync</c> until the end of the message into a reused buffer). This is the whole read path
/// above the socket: header decode, unmasking, UTF-8 validation for text, copying out.
/// </summary>
[MemoryDiagnoser]
public class MessageReadBenchmarks
{
    private const int Messages = 256;

    // binary-64: tiny messages, per-message overhead; text-1k: UTF-8 validated (mixed scripts);
    // binary-64k: unmasking and copying dominate.
    [Params("binary-64", "text-1k", "binary-64k")]
    public string Shape { get; set; } = "binary-64";

    private MemoryStream _wire = new();
    private Conn _ours = null!;
    private WebSocket _theirs = null!;
    private readonly ArrayBufferWriter<byte> _into = new(1 << 17);
    private readonly byte[] _buffer = new byte[1 << 17];
    private long _expected;

    [GlobalSetup]
    public void Setup()
    {
        var (opcode, payload) = Shape switch
        {
            "binary-64" => (Opcode.Binary, Filled(64)),
            "text-1k" => (Opcode.Text, MixedText(1024)),
            _ => (Opcode.Binary, Filled(64 * 1024)),
        };
        var frame = new byte[payload.Length + FrameHeader.MaxSize];
        var all = new MemoryStream();
        for (int i = 0; i < Messages; i++)
        {
            // A different mask key per message, as a client must send.
            int n = FrameEncoder.WriteFrame(frame, fin: true, opcode, payload, masked: true, maskKey: 0x9E3779B9u * (uint)(i + 1));
            all.Write(frame, 0, n);
        }
        _expected = (long)payload.Length * Messages;
        _wire = new MemoryStream(all.ToArray()); // writable: CreateFromStream insists, though nothing is written
        _ours = new Conn(_wire, Role.Server);
        _theirs = WebSocket.CreateFromStream(_wire, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ours.Abort();
        _theirs.Abort();
    }

    [Benchmark]
    public async Task<long> WebSocketKit_Conn()
    {
        // Each invocation replays the same bytes; both readers stop exactly at a message boundary.
        _wire.Position = 0;
        long total = 0;
        for (int i = 0; i < Messages; i++)
        {
            _into.ResetWrittenCount();
            await _ours.ReadMessageAsync(_into);
            total += _into.WrittenCount;
        }
        return Check(total);
    }

    [Benchmark(Baseline = true)]
    public async Task<long> SystemNetWebSockets()
    {
        _wire.Position = 0;
        long total = 0;
        for (int i = 0; i < Messages; i++)
        {
            ValueWebSocketReceiveResult r;
            int n = 0;
            do
            {
                r = await _theirs.ReceiveAsync(_buffer.AsMemory(n), default);
                n += r.Count;
            } while (!r.EndOfMessage);
            total += n;
        }
        return Check(total);
    }

    private long Check(long total) => total == _expected ? total : throw new InvalidOperationException($"read {total} of {_expected} bytes");

    private static byte[] Filled(int size)
    {
        var b = new byte[size];
        new Random(7).NextBytes(b);
        return b;
    }

    // ASCII with two- three- and four-byte characters mixed in, so validation leaves the ASCII fast path.
    private static byte[] MixedText(int size)
    {
        var sb = new StringBuilder();
        string[] pieces = ["status ok ", "naïve café ", "Δοκιμή ", "テスト ", "🙂 ", "value=42; "];
        var rnd = new Random(11);
        while (Encoding.UTF8.GetByteCount(sb.ToString()) < size - 8) sb.Append(pieces[rnd.Next(pieces.Length)]);
        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}
