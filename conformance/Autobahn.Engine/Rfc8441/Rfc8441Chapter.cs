using System.Text;
using Autobahn.Engine.Http2;
using Autobahn.Engine.Http2.Hpack;
using Autobahn.Vocabulary;

namespace Autobahn.Engine.Rfc8441;

/// <summary>
/// The RFC 8441 chapter: WebSocket over HTTP/2, one case per requirement, grouped by the RFC 8441 section the
/// requirement serves (3: the setting, 4: the extended CONNECT request, 5: the WebSocket on its stream).
/// Each case opens its own connections to the server, which must echo every message back.
/// </summary>
public static class Rfc8441Chapter
{
    public static IReadOnlyList<Rfc8441Case> Cases { get; } =
    [
        // ---- §3: the SETTINGS_ENABLE_CONNECT_PROTOCOL parameter ----
        new("h2-3.1", "RFC 8441 §3",
            "A server that accepts extended CONNECT says so by sending SETTINGS_ENABLE_CONNECT_PROTOCOL (0x8) with the value 1; without it a client may not use the :protocol pseudo-header.",
            "The server's first SETTINGS frame carries SETTINGS_ENABLE_CONNECT_PROTOCOL = 1. FAILED when it is 0 or absent.",
            SettingAdvertised),
        new("h2-3.2", "RFC 8441 §3",
            "A client must not send an extended CONNECT before it has received the server's SETTINGS_ENABLE_CONNECT_PROTOCOL = 1. The rule binds the client, so the server's reaction is recorded, not judged.",
            "INFORMATIONAL: what the server does with an extended CONNECT sent right behind the client's preface, before its SETTINGS were read.",
            ConnectBeforeSettings),

        // ---- §4: the extended CONNECT method ----
        new("h2-4.1", "RFC 8441 §4, §5; RFC 9113 §8.2.2",
            "A server that agrees to the WebSocket answers the extended CONNECT (:protocol websocket) with 200. The key/accept exchange of RFC 6455 is replaced by :protocol, and HTTP/2 has no Connection or Upgrade fields.",
            "OK: :status 200 with neither Upgrade nor Connection. NON-STRICT: 200 with a Sec-WebSocket-Accept (unused, harmless). FAILED: any other status, or a connection-specific field (malformed in HTTP/2).",
            AcceptedWith200),
        new("h2-4.2", "RFC 8441 §4; RFC 9113 §8.5",
            "A CONNECT without :protocol is an ordinary CONNECT (a tunnel to :authority), never a WebSocket; with :scheme and :path present it is even malformed (RFC 9113 §8.5 forbids them on a plain CONNECT).",
            "OK: anything but a 2xx (an error status, or a reset; the server may refuse a tunnel, or treat the request as malformed). FAILED: a 2xx, or no answer.",
            ConnectWithoutProtocol),
        new("h2-4.3", "RFC 8441 §4; RFC 9113 §8.1.1, §8.3.1",
            "An extended CONNECT must carry :path; one without it is malformed, and a malformed request is a stream error of type PROTOCOL_ERROR.",
            MalformedExpectation, (pr, ct) => Malformed(pr, pr.ExtendedConnect(without: ":path"), "an extended CONNECT without :path", ct)),
        new("h2-4.4", "RFC 8441 §4; RFC 9113 §8.1.1",
            "An extended CONNECT must carry :scheme (http or https); one without it is malformed: a stream error of type PROTOCOL_ERROR.",
            MalformedExpectation, (pr, ct) => Malformed(pr, pr.ExtendedConnect(without: ":scheme"), "an extended CONNECT without :scheme", ct)),
        new("h2-4.5", "RFC 8441 §4, §5",
            "The :scheme of an extended CONNECT must be http or https (the WebSocket's ws or wss); a request naming another scheme is not a WebSocket request and is refused.",
            MalformedExpectation, (pr, ct) => Malformed(pr, pr.ExtendedConnect(scheme: "ftp"), "an extended CONNECT with :scheme ftp", ct)),
        new("h2-4.6", "RFC 8441 §4; RFC 9113 §8.3.1",
            "On an extended CONNECT :authority follows the rules of ordinary requests: with the http or https scheme a request with neither :authority nor Host lacks a mandatory field, so it is malformed (PROTOCOL_ERROR).",
            "As for a missing :path, except that a 2xx is NON-STRICT, not FAILED: the authority is the client's to send (RFC 8441 §5), and a server that takes the request for its own host is lenient rather than unsafe.",
            (pr, ct) => Malformed(pr, pr.ExtendedConnect(without: ":authority"), "an extended CONNECT without :authority or Host", ct, acceptedIsLenient: true)),
        new("h2-4.7", "RFC 8441 §4; RFC 9113 §8.2.2",
            "The Connection and Upgrade fields of RFC 6455's handshake must not be in an extended CONNECT; HTTP/2 calls a request with connection-specific fields malformed (PROTOCOL_ERROR).",
            MalformedExpectation, (pr, ct) => Malformed(pr, [.. pr.ExtendedConnect(), new("connection", "upgrade"), new("upgrade", "websocket")], "an extended CONNECT with Connection and Upgrade fields", ct)),
        new("h2-4.8", "RFC 8441 §4; RFC 9220 §3",
            "A server takes an extended CONNECT only for protocols it supports; an unknown :protocol is refused (RFC 9220, the same mechanism over HTTP/3, names 501).",
            "OK: a 4xx or 501. NON-STRICT: another non-2xx status, or a stream reset. FAILED: a 2xx (a tunnel for a protocol nobody agreed on), or no answer.",
            UnknownProtocol),
        new("h2-4.9", "RFC 8441 §5; RFC 6455 §4.2.2, §4.4",
            "The WebSocket handshake's version check still applies: a sec-websocket-version other than 13 is refused, by RFC 6455 with 426 naming the versions supported (or 400).",
            "OK: 426 with sec-websocket-version: 13, or 400. NON-STRICT: 426 without the version field, another 4xx, or a stream reset. FAILED: a 2xx, or no answer.",
            WrongVersion),

        // ---- §5: the WebSocket on its stream ----
        new("h2-5.1", "RFC 8441 §5",
            "After the 200, the stream's DATA frames carry the WebSocket's frames both ways: a text message is echoed.",
            "The same text message comes back on the same stream.",
            (p, ct) => EchoOne(p, 1, Encoding.UTF8.GetBytes("Hello over HTTP/2, ∑ ✓"), ct)),
        new("h2-5.2", "RFC 8441 §5",
            "A binary message is carried in DATA frames and echoed the same way.",
            "The same binary message (all 256 octet values) comes back on the same stream.",
            (p, ct) => EchoOne(p, 2, [.. Enumerable.Range(0, 256).Select(i => (byte)i)], ct)),
        new("h2-5.3", "RFC 8441 §5; RFC 9113 §5",
            "Several WebSockets share one connection, each on its own stream, with their frames interleaved on the wire.",
            "Three WebSockets on one connection, five messages each sent round-robin without waiting: each echo comes back on its own stream, in order.",
            Multiplexed),
        new("h2-5.4", "RFC 8441 §5; RFC 6455 §5.2, §7.1.7",
            "A WebSocket that fails ends only its own stream: the connection and the other WebSockets on it are unharmed.",
            "After a frame with a reserved opcode on one WebSocket: OK when it is closed with 1002 or its stream reset, and the other WebSocket keeps echoing. NON-STRICT: closed with another code. FAILED: the connection ends, or the other WebSocket stops.",
            OneFailsOthersLive),
        new("h2-5.5", "RFC 8441 §5; RFC 9113 §5.2, §6.9",
            "A WebSocket message larger than HTTP/2's flow-control windows crosses them both ways: the sender waits for WINDOW_UPDATE, the receiver grants it as it reads.",
            "A 1 MiB binary message (16 times the default 64 KiB window) comes back whole within 30 s; we grant our window only as we read, and wait for the server's.",
            LargeMessage),
        new("h2-5.6", "RFC 8441 §5",
            "The WebSocket's end is its stream's end: after the closing handshake the server ends the stream with END_STREAM (what a TCP FIN was), and the connection stays up for other streams.",
            "OK: a close 1000 answers ours, the stream ends with END_STREAM, and a new WebSocket on the same connection echoes. NON-STRICT: the stream is reset instead, or the close has another code. FAILED: no close, or the connection ends.",
            CloseEndsStream),
        new("h2-5.7", "RFC 8441 §5; RFC 9113 §6.4",
            "A reset stream is a WebSocket that ended abruptly (what a TCP RST was); it harms neither the connection nor other streams.",
            "After the client resets one WebSocket's stream (RST_STREAM CANCEL) in the middle of a message, a WebSocket opened before and one opened after both echo.",
            ResetMidMessage),
        new("h2-5.8", "RFC 9113 §5.1, §6.1",
            "Once the client has ended its side of a stream with END_STREAM, more DATA on it is an error: a stream error (or, once the stream is closed, a connection error) of type STREAM_CLOSED.",
            "OK: RST_STREAM or GOAWAY with STREAM_CLOSED. NON-STRICT: a reset or GOAWAY with another code. FAILED: the DATA is taken in silence.",
            DataAfterEndStream),
    ];

    private const string MalformedExpectation =
        "OK: RST_STREAM PROTOCOL_ERROR, or a 4xx response (RFC 9113 §8.1.1 lets a server answer a malformed request before it closes or resets the stream). " +
        "NON-STRICT: a reset with another code, another non-2xx status, or GOAWAY (a connection error where a stream error suffices). FAILED: a 2xx, or no answer.";

    private static CaseVerdict Ok(string observed) => new(VerdictWords.Ok, observed);
    private static CaseVerdict NonStrict(string observed) => new(VerdictWords.NonStrict, observed);
    private static CaseVerdict Failed(string observed) => new(VerdictWords.Failed, observed);

    private static async Task<CaseVerdict> SettingAdvertised(Rfc8441Probe p, CancellationToken ct)
    {
        var c = await p.ConnectAsync(ct);
        var settings = await p.Bounded(c.PeerSettings, "SETTINGS frame from the server", ct);
        return settings.TryGetValue(SettingId.EnableConnectProtocol, out uint v)
            ? v == 1 ? Ok("SETTINGS_ENABLE_CONNECT_PROTOCOL = 1") : Failed($"SETTINGS_ENABLE_CONNECT_PROTOCOL = {v}")
            : Failed("the server's SETTINGS do not name SETTINGS_ENABLE_CONNECT_PROTOCOL (so it is off)");
    }

    private static async Task<CaseVerdict> ConnectBeforeSettings(Rfc8441Probe p, CancellationToken ct)
    {
        var c = await p.ConnectAsync(ct);
        var stream = c.OpenStream();
        await c.SendHeadersAsync(stream, p.ExtendedConnect(), endStream: false, ct);
        // Looked at once the request is out: not in yet means the request certainly went first.
        bool seen = c.PeerSettings.IsCompleted;
        var answer = await p.AnswerOf(c, stream, ct);
        string when = seen ? "(the server's SETTINGS may have arrived already, but were not waited for)" : "before the server's SETTINGS were read";
        if (answer.Status != 200) return new(VerdictWords.Informational, $"sent {when}: answered {answer}");
        var ws = new StreamWebSocket(c, stream, isClient: true);
        try
        {
            await p.EchoAsync(ws, 1, "early"u8.ToArray(), "a text message", ct);
            return new(VerdictWords.Informational, $"sent {when}: answered 200 and the WebSocket echoed");
        }
        catch (CaseFailedException e)
        {
            return new(VerdictWords.Informational, $"sent {when}: answered 200, but {e.Message}");
        }
    }

    private static async Task<CaseVerdict> AcceptedWith200(Rfc8441Probe p, CancellationToken ct)
    {
        var c = await p.ConnectReadyAsync(ct);
        var (_, answer) = await p.RequestAsync(c, p.ExtendedConnect(), ct);
        if (answer.Status != 200) return Failed($"answered {answer}");
        var fields = answer.Fields!;
        var forbidden = fields.Where(f => f.Name is "connection" or "upgrade").Select(f => f.ToString()).ToList();
        if (forbidden.Count > 0) return Failed($":status 200 with {string.Join(", ", forbidden)}");
        if (fields.Has("sec-websocket-accept")) return NonStrict($":status 200 with sec-websocket-accept: {fields.Get("sec-websocket-accept")}");
        return Ok(":status 200, no Sec-WebSocket-Accept, Upgrade or Connection");
    }

    private static async Task<CaseVerdict> ConnectWithoutProtocol(Rfc8441Probe p, CancellationToken ct)
    {
        var c = await p.ConnectReadyAsync(ct);
        var (_, answer) = await p.RequestAsync(c, p.ExtendedConnect(withProtocol: false), ct);
        if (answer.TimedOut) return Failed($"no answer within {p.AnswerTimeout.TotalSeconds:0} s");
        return answer.Is2xx ? Failed($"a CONNECT without :protocol was answered {answer}") : Ok($"not a WebSocket: {answer}");
    }

    private static async Task<CaseVerdict> Malformed(Rfc8441Probe p, List<HeaderField> fields, string what, CancellationToken ct, bool acceptedIsLenient = false)
    {
        var c = await p.ConnectReadyAsync(ct);
        var (stream, answer) = await p.RequestAsync(c, fields, ct);
        if (answer.TimedOut) return Failed($"no answer to {what} within {p.AnswerTimeout.TotalSeconds:0} s");
        if (answer.Is2xx) return acceptedIsLenient ? NonStrict($"{what} was accepted: {answer}") : Failed($"{what} was accepted: {answer}");
        if (answer.Status is { } status)
        {
            var end = await p.EndOf(stream, ct);
            string then = end is null ? "" : $", then {end}";
            return status is >= 400 and < 500 ? Ok($":status {status}{then}") : NonStrict($":status {status}{then}: not a 4xx");
        }
        return answer.End switch
        {
            { Kind: StreamEndKind.Reset, Code: Http2ErrorCode.ProtocolError } => Ok("RST_STREAM PROTOCOL_ERROR"),
            { Kind: StreamEndKind.Reset } e => NonStrict($"{e}, not PROTOCOL_ERROR"),
            _ when answer.GoAway is { } g => NonStrict($"GOAWAY {g.Code}: a connection error where a stream error suffices"),
            { } e => Failed($"{e}: the connection was dropped without RST_STREAM or GOAWAY"),
            _ => Failed("no answer"),
        };
    }

    private static async Task<CaseVerdict> UnknownProtocol(Rfc8441Probe p, CancellationToken ct)
    {
        var c = await p.ConnectReadyAsync(ct);
        var (_, answer) = await p.RequestAsync(c, p.ExtendedConnect(protocol: "x-no-such-protocol"), ct);
        if (answer.TimedOut) return Failed($"no answer within {p.AnswerTimeout.TotalSeconds:0} s");
        if (answer.Is2xx) return Failed($":protocol x-no-such-protocol was accepted: {answer}");
        return answer.Status is >= 400 and < 500 or 501 ? Ok($"refused: {answer}") : NonStrict($"refused, but with {answer}");
    }

    private static async Task<CaseVerdict> WrongVersion(Rfc8441Probe p, CancellationToken ct)
    {
        var c = await p.ConnectReadyAsync(ct);
        var (_, answer) = await p.RequestAsync(c, p.ExtendedConnect(version: "12"), ct);
        if (answer.TimedOut) return Failed($"no answer within {p.AnswerTimeout.TotalSeconds:0} s");
        if (answer.Is2xx) return Failed($"sec-websocket-version 12 was accepted: {answer}");
        string? offered = answer.Fields?.Get("sec-websocket-version");
        return answer.Status switch
        {
            426 when offered is not null && offered.Split(',').Any(v => v.Trim() == "13") => Ok($":status 426 with sec-websocket-version: {offered}"),
            400 => Ok(":status 400"),
            426 => NonStrict(":status 426 without sec-websocket-version naming 13"),
            >= 400 and < 500 => NonStrict($"refused with {answer}, not 426 or 400"),
            null when answer.End is { Kind: StreamEndKind.Reset } => NonStrict($"refused with {answer}"),
            _ => Failed($"answered {answer}"),
        };
    }

    private static async Task<CaseVerdict> EchoOne(Rfc8441Probe p, int opcode, byte[] payload, CancellationToken ct)
    {
        var c = await p.ConnectReadyAsync(ct);
        var ws = await p.OpenWebSocketAsync(c, ct);
        await p.EchoAsync(ws, opcode, payload, $"a {(opcode == 1 ? "text" : "binary")} message", ct);
        return Ok($"the {payload.Length}-octet {(opcode == 1 ? "text" : "binary")} message came back on stream {ws.Stream.Id}");
    }

    private static async Task<CaseVerdict> Multiplexed(Rfc8441Probe p, CancellationToken ct)
    {
        var c = await p.ConnectReadyAsync(ct);
        var sockets = new List<StreamWebSocket>();
        for (int i = 0; i < 3; i++) sockets.Add(await p.OpenWebSocketAsync(c, ct));
        const int Rounds = 5;
        for (int round = 0; round < Rounds; round++)
        {
            foreach (var ws in sockets) await ws.SendTextAsync($"stream {ws.Stream.Id}, message {round}", ct);
        }
        foreach (var ws in sockets)
        {
            for (int round = 0; round < Rounds; round++)
            {
                var expected = Encoding.UTF8.GetBytes($"stream {ws.Stream.Id}, message {round}");
                await p.ExpectEchoAsync(ws, 1, expected, $"message {round} of stream {ws.Stream.Id}", ct);
            }
        }
        return Ok($"{Rounds} messages on each of streams {string.Join(", ", sockets.Select(s => s.Stream.Id))}, interleaved, all echoed in order on their own streams");
    }

    private static async Task<CaseVerdict> OneFailsOthersLive(Rfc8441Probe p, CancellationToken ct)
    {
        var c = await p.ConnectReadyAsync(ct);
        var failing = await p.OpenWebSocketAsync(c, ct);
        var healthy = await p.OpenWebSocketAsync(c, ct);
        await p.EchoAsync(healthy, 1, "before"u8.ToArray(), "a message before the failure", ct);
        await failing.SendAsync(3, "reserved opcode"u8.ToArray(), ct);
        var e = await p.Bounded(failing.ReceiveAsync(ct), "answer to a frame with a reserved opcode", ct);
        string failed;
        bool exact;
        if (e.IsClose)
        {
            var end = await p.Bounded(failing.Stream.Ended, "end of the failed WebSocket's stream", ct);
            failed = $"{e}, then {end}";
            exact = e.CloseCode == 1002;
        }
        else if (e.End is { Kind: StreamEndKind.Reset } reset)
        {
            failed = reset.ToString();
            exact = true;
        }
        else
        {
            return Failed($"the frame with a reserved opcode got {e}");
        }
        if (c.Closed.IsCompleted) return Failed($"{failed}; the connection ended with it: {c.Closed.Result}");
        await p.EchoAsync(healthy, 1, "after"u8.ToArray(), "a message on the other WebSocket after the failure", ct);
        string observed = $"failed stream {failing.Stream.Id}: {failed}; stream {healthy.Stream.Id} kept echoing";
        return exact ? Ok(observed) : NonStrict(observed + " (the close code is not 1002)");
    }

    private static async Task<CaseVerdict> LargeMessage(Rfc8441Probe p, CancellationToken ct)
    {
        var c = await p.ConnectReadyAsync(ct);
        var ws = await p.OpenWebSocketAsync(c, ct);
        var payload = new byte[1024 * 1024];
        new Random(8441).NextBytes(payload);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // Sending and reading at once: a server that echoes while it still reads must not wait on our window.
        var sending = ws.SendAsync(2, payload, ct);
        try
        {
            await p.ExpectEchoAsync(ws, 2, payload, "a 1 MiB binary message", ct, TimeSpan.FromSeconds(30));
        }
        catch (CaseFailedException e) when (!sending.IsCompleted)
        {
            // A server that stops granting window leaves our send waiting; it ends when the case closes the connection.
            _ = sending.ContinueWith(t => t.Exception, TaskScheduler.Default);
            throw new CaseFailedException($"{e.Message} (our send was still waiting for the server's window)");
        }
        await sending;
        uint serverWindow = c.PeerSetting(SettingId.InitialWindowSize) ?? Http2Limits.DefaultWindowSize;
        return Ok($"1 MiB echoed in {clock.ElapsedMilliseconds} ms; it crossed our {Http2Limits.DefaultWindowSize}-octet stream window and the server's of {serverWindow}");
    }

    private static async Task<CaseVerdict> CloseEndsStream(Rfc8441Probe p, CancellationToken ct)
    {
        var c = await p.ConnectReadyAsync(ct);
        var ws = await p.OpenWebSocketAsync(c, ct);
        await ws.SendCloseAsync(1000, ct);
        var e = await p.Bounded(ws.ReceiveAsync(ct), "close frame in answer to ours", ct);
        if (!e.IsClose) return Failed($"our close 1000 was answered with {e}");
        // Our side ends too, as a client's TCP close would follow the handshake.
        try { await c.SendDataAsync(ws.Stream, ReadOnlyMemory<byte>.Empty, endStream: true, ct); }
        catch (IOException) { }
        var end = await p.Bounded(ws.Stream.Ended, "end of the stream after the closing handshake", ct);
        if (end.Kind == StreamEndKind.ConnectionLost) return Failed($"{e}, then the connection ended instead of the stream ({end.Detail})");
        if (c.GoAway.IsCompleted) return Failed($"{e}, {end}, then GOAWAY {c.GoAway.Result.Code}: the connection is not kept for other streams");
        var next = await p.OpenWebSocketAsync(c, ct);
        await p.EchoAsync(next, 1, "next"u8.ToArray(), "a message on a new WebSocket after the close", ct);
        string observed = $"{e}, then {end} on stream {ws.Stream.Id}; a new WebSocket on stream {next.Stream.Id} echoed";
        if (end.Kind != StreamEndKind.EndStream) return NonStrict(observed + " (a reset, where an orderly close is END_STREAM)");
        return e.CloseCode == 1000 ? Ok(observed) : NonStrict(observed + " (the close code is not 1000)");
    }

    private static async Task<CaseVerdict> ResetMidMessage(Rfc8441Probe p, CancellationToken ct)
    {
        var c = await p.ConnectReadyAsync(ct);
        var before = await p.OpenWebSocketAsync(c, ct);
        var doomed = await p.OpenWebSocketAsync(c, ct);
        var frame = doomed.Encode(2, new byte[4000]);
        await c.SendDataAsync(doomed.Stream, frame.AsMemory(0, 1000), endStream: false, ct);
        await c.ResetAsync(doomed.Stream.Id, Http2ErrorCode.Cancel, ct);
        await p.EchoAsync(before, 1, "still here"u8.ToArray(), "a message on the WebSocket opened before the reset", ct);
        var after = await p.OpenWebSocketAsync(c, ct);
        await p.EchoAsync(after, 1, "new"u8.ToArray(), "a message on a WebSocket opened after the reset", ct);
        if (c.GoAway.IsCompleted) return Failed($"GOAWAY {c.GoAway.Result.Code} after the reset");
        return Ok($"stream {doomed.Stream.Id} reset after 1000 of a frame's 4006 octets; streams {before.Stream.Id} and {after.Stream.Id} echoed");
    }

    private static async Task<CaseVerdict> DataAfterEndStream(Rfc8441Probe p, CancellationToken ct)
    {
        var c = await p.ConnectReadyAsync(ct);
        var ws = await p.OpenWebSocketAsync(c, ct);
        int id = ws.Stream.Id;
        // Both frames in one write, so the server reads the second while the stream is half-closed on its side.
        await c.SendFramesAsync(
        [
            Http2FrameCodec.Encode(FrameType.Data, FrameFlags.EndStream, id, []),
            Http2FrameCodec.Encode(FrameType.Data, FrameFlags.None, id, ws.Encode(1, "too late"u8)),
        ], ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(p.AnswerTimeout);
        var streamClosed = ws.Stream.ResetByPeer.ContinueWith(t => t.IsCompletedSuccessfully && t.Result == Http2ErrorCode.StreamClosed, TaskScheduler.Default);
        try
        {
            while (!timeout.IsCancellationRequested)
            {
                if (c.GoAway.IsCompleted || (streamClosed.IsCompleted && streamClosed.Result)) break;
                if (c.Closed.IsCompleted) break;
                await Task.WhenAny(c.GoAway, streamClosed, c.Closed).WaitAsync(timeout.Token);
                if (streamClosed.IsCompleted && !streamClosed.Result && !c.GoAway.IsCompleted) await c.GoAway.WaitAsync(timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
        if (streamClosed.IsCompleted && streamClosed.Result) return Ok("RST_STREAM STREAM_CLOSED");
        if (c.GoAway.IsCompleted)
        {
            var g = c.GoAway.Result;
            return g.Code == Http2ErrorCode.StreamClosed ? Ok("GOAWAY STREAM_CLOSED (a connection error)") : NonStrict($"GOAWAY {g.Code}");
        }
        if (ws.Stream.ResetByPeer.IsCompleted) return NonStrict($"RST_STREAM {ws.Stream.ResetByPeer.Result}");
        if (c.Closed.IsCompleted) return Failed($"the connection was dropped without RST_STREAM or GOAWAY ({c.Closed.Result})");
        return Failed($"no RST_STREAM or GOAWAY within {p.AnswerTimeout.TotalSeconds:0} s");
    }
}
