using System.Net;
using System.Net.Sockets;
using Autobahn.Engine.Http2;
using Autobahn.Engine.Http2.Hpack;
using Autobahn.Engine.Rfc8441;

namespace Autobahn.Engine.Http2.Tests;

/// <summary>The one thing a <see cref="FrameLayerEchoServer"/> gets wrong, if any.</summary>
public enum H2Flaw
{
    None,
    /// <summary>Answers extended CONNECT without ever sending SETTINGS_ENABLE_CONNECT_PROTOCOL.</summary>
    NoConnectSetting,
    /// <summary>Ends the whole TCP connection whenever a WebSocket closes, instead of ending its stream.</summary>
    DropsConnectionAtClose,
    /// <summary>Takes an extended CONNECT that has no :path.</summary>
    IgnoresMissingPath,
    /// <summary>Masks the WebSocket frames it sends, as only a client may (RFC 6455 §5.1).</summary>
    MasksItsFrames,
    /// <summary>Never grants a stream's window back (no WINDOW_UPDATE for a stream), so no stream carries more than 64 KiB to it.</summary>
    WithholdsWindow,
    /// <summary>
    /// When a WebSocket closes, sends GOAWAY (its last stream being the WebSocket's, so the stream is not refused) and
    /// closes TCP without ending the stream: what Kestrel's connection Abort does.
    /// </summary>
    GoesAwayAtClose,
    /// <summary>
    /// When a WebSocket closes, sends GOAWAY whose last stream is below the WebSocket's (the client then fails the
    /// stream at once), and closes TCP only once the client has acted on it, so the GOAWAY always comes first.
    /// </summary>
    GoesAwayBelowTheStreamAtClose,
    /// <summary>When a WebSocket closes, resets its stream (RST_STREAM), then sends GOAWAY and closes TCP at once. No fault: the stream ended first.</summary>
    ResetsThenGoesAwayAtClose,
    /// <summary>When a WebSocket closes, ends its stream (END_STREAM), then sends GOAWAY and closes TCP at once. No fault: the stream ended first.</summary>
    EndsThenGoesAwayAtClose,
}

/// <summary>
/// An HTTP/2 WebSocket echo server on the engine's own frame layer (h2c, prior knowledge), strict by default and
/// broken on purpose by one <see cref="H2Flaw"/>: a peer whose faults are known, so that the chapter must fail
/// exactly the cases that target them.
/// </summary>
public sealed class FrameLayerEchoServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly H2Flaw _flaw;
    private readonly List<Task> _tasks = [];
    private readonly Task _accepting;

    public FrameLayerEchoServer(H2Flaw flaw)
    {
        _flaw = flaw;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/echo");

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var tcp = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_tasks) _tasks.Add(ServeAsync(tcp));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
    }

    private async Task ServeAsync(TcpClient tcp)
    {
        tcp.NoDelay = true;
        var options = new Http2ConnectionOptions
        {
            ExtraSettings = _flaw == H2Flaw.NoConnectSetting ? [] : [(SettingId.EnableConnectProtocol, 1u)],
            GrantStreamWindows = _flaw != H2Flaw.WithholdsWindow,
        };
        await using var connection = await Http2Connection.StartServerAsync(tcp.GetStream(), tcp, options, _stop.Token);
        var streams = new List<Task>();
        try
        {
            await foreach (var stream in connection.IncomingStreams.ReadAllAsync(_stop.Token)) streams.Add(ServeStreamAsync(connection, stream));
        }
        catch (OperationCanceledException) { }
        await Task.WhenAll(streams);
    }

    private async Task ServeStreamAsync(Http2Connection c, Http2Stream stream)
    {
        var ct = _stop.Token;
        try
        {
            var request = await stream.Headers ?? [];
            if (Refusal(request) is { } refusal)
            {
                if (refusal.Status is { } status)
                {
                    await c.SendHeadersAsync(stream, [new(":status", status), .. refusal.Fields], endStream: true, ct);
                }
                else
                {
                    await c.ResetAsync(stream.Id, Http2ErrorCode.ProtocolError, ct);
                }
                return;
            }
            await c.SendHeadersAsync(stream, [new(":status", "200")], endStream: false, ct);
            var ws = new StreamWebSocket(c, stream, isClient: _flaw == H2Flaw.MasksItsFrames);
            while (true)
            {
                var e = await ws.ReceiveAsync(ct);
                if (e.IsMessage)
                {
                    await ws.SendAsync(e.Opcode, e.Payload, ct);
                    continue;
                }
                if (e.End is { } end)
                {
                    // The client ended its side without a close: this side ends too. A reset needs nothing more.
                    if (end.Kind == StreamEndKind.EndStream) await c.SendDataAsync(stream, ReadOnlyMemory<byte>.Empty, endStream: true, ct);
                    return;
                }
                // A close is answered with its code; any other frame is a protocol error, failed with 1002.
                await ws.SendCloseAsync(e.IsClose ? e.CloseCode ?? 1000 : 1002, ct);
                await EndAsync(c, stream, ct);
                return;
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidDataException) { }
    }

    /// <summary>How this server ends a WebSocket's stream once the closing handshake is done: END_STREAM, unless its flaw says otherwise.</summary>
    private async Task EndAsync(Http2Connection c, Http2Stream stream, CancellationToken ct)
    {
        switch (_flaw)
        {
            case H2Flaw.DropsConnectionAtClose:
                c.Abort();
                break;
            case H2Flaw.GoesAwayAtClose:
                await c.SendGoAwayAsync(Http2ErrorCode.InternalError, ct);
                c.Abort();
                break;
            case H2Flaw.GoesAwayBelowTheStreamAtClose:
                await c.SendFrameAsync(FrameType.GoAway, 0, 0, Http2FrameCodec.GoAwayPayload(stream.Id - 1, Http2ErrorCode.InternalError), ct);
                // The client fails the stream on the GOAWAY, then resets it or closes the connection: only then does TCP close,
                // so the client has always acted on the GOAWAY before the TCP connection's end can reach it (a client that
                // does neither gets 10 s).
                await Task.WhenAny(stream.Ended, c.Closed, Task.Delay(TimeSpan.FromSeconds(10), ct));
                c.Abort();
                break;
            case H2Flaw.ResetsThenGoesAwayAtClose:
                await c.ResetAsync(stream.Id, Http2ErrorCode.Cancel, ct);
                await c.SendGoAwayAsync(Http2ErrorCode.NoError, ct);
                c.Abort();
                break;
            case H2Flaw.EndsThenGoesAwayAtClose:
                await c.SendDataAsync(stream, ReadOnlyMemory<byte>.Empty, endStream: true, ct);
                await c.SendGoAwayAsync(Http2ErrorCode.NoError, ct);
                c.Abort();
                break;
            default:
                await c.SendDataAsync(stream, ReadOnlyMemory<byte>.Empty, endStream: true, ct);
                break;
        }
    }

    private sealed record Refused(string? Status, HeaderField[] Fields);

    /// <summary>Why the request is not a WebSocket this server takes: a status to answer, or a null status for a malformed request (PROTOCOL_ERROR).</summary>
    private Refused? Refusal(IReadOnlyList<HeaderField> request)
    {
        var malformed = new Refused(null, []);
        if (request.Get(":method") != "CONNECT") return new("405", []);
        if (!request.Has(":protocol"))
        {
            // An ordinary CONNECT carries neither :scheme nor :path (RFC 9113 §8.5); this server tunnels nowhere.
            return request.Has(":scheme") || request.Has(":path") ? malformed : new("405", []);
        }
        if (request.Get(":scheme") is not ("http" or "https") || !request.Has(":authority")) return malformed;
        if (!request.Has(":path") && _flaw != H2Flaw.IgnoresMissingPath) return malformed;
        if (request.Has("connection") || request.Has("upgrade")) return malformed;
        if (request.Get(":protocol") != "websocket") return new("501", []);
        if (request.Get("sec-websocket-version") != "13") return new("426", [new("sec-websocket-version", "13")]);
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        Task[] all;
        lock (_tasks) all = [.. _tasks];
        try { await Task.WhenAll(all).WaitAsync(TimeSpan.FromSeconds(10)); }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException) { }
        _stop.Dispose();
    }
}
