using Autobahn.Engine.Http2;
using Autobahn.Engine.Http2.Hpack;

namespace Autobahn.Engine.Rfc8441;

/// <summary>How the server answered a request: a status with its fields, or the stream's or connection's end.</summary>
public sealed record Answer(IReadOnlyList<HeaderField>? Fields, StreamEnd? End, GoAwayInfo? GoAway)
{
    public int? Status => Fields?.Get(":status") is { } s && int.TryParse(s, out int n) ? n : null;
    public bool Is2xx => Status is >= 200 and < 300;
    public bool TimedOut => Fields is null && End is null && GoAway is null;

    public override string ToString() =>
        Fields is not null ? $":status {Fields.Get(":status") ?? "missing"}" + (End is { } e ? $", then {e}" : "")
        : End is { } end ? (end.Kind == StreamEndKind.ConnectionLost && GoAway is { } g ? $"GOAWAY {g.Code}" : end.ToString())
        : GoAway is { } ga ? $"GOAWAY {ga.Code}"
        : "no answer";
}

/// <summary>
/// What a case works with: the target, new connections to it, requests in any shape, and WebSockets on streams.
/// Every wait is bounded by <see cref="AnswerTimeout"/>; every connection a case opens is closed when it ends.
/// </summary>
public sealed class Rfc8441Probe(Uri target, bool acceptAnyCertificate) : IAsyncDisposable
{
    private readonly List<Http2Connection> _connections = [];

    public Uri Target { get; } = target;
    public TimeSpan AnswerTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public string Scheme => Http2Dial.IsTls(Target) ? "https" : "http";
    public string Authority => Target.IsDefaultPort ? Target.Host : $"{Target.Host}:{Target.Port}";
    public string Path => string.IsNullOrEmpty(Target.PathAndQuery) ? "/" : Target.PathAndQuery;

    /// <summary>A new connection (TCP, and TLS for https), made within the answer timeout; the server's SETTINGS are not waited for.</summary>
    public async Task<Http2Connection> ConnectAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(AnswerTimeout);
        Http2Connection c;
        try
        {
            c = await Http2Dial.ConnectAsync(Target, acceptAnyCertificate, null, timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CaseFailedException($"no connection ({(Http2Dial.IsTls(Target) ? "TCP and the TLS handshake" : "TCP")}) within {AnswerTimeout.TotalSeconds:0.#} s");
        }
        lock (_connections) _connections.Add(c);
        return c;
    }

    /// <summary>A connection whose SETTINGS from the server are in, as a well-behaved client waits for them (RFC 8441 §3).</summary>
    public async Task<Http2Connection> ConnectReadyAsync(CancellationToken ct)
    {
        var c = await ConnectAsync(ct);
        await Bounded(c.PeerSettings, "SETTINGS frame from the server", ct);
        return c;
    }

    /// <summary>An extended CONNECT for a WebSocket (RFC 8441 §4, §5), with the fields a case names left out or changed.</summary>
    public List<HeaderField> ExtendedConnect(string? without = null, string protocol = "websocket", string version = "13", bool withProtocol = true, string? scheme = null)
    {
        var fields = new List<HeaderField>
        {
            new(":method", "CONNECT"),
            new(":protocol", protocol),
            new(":scheme", scheme ?? Scheme),
            new(":path", Path),
            new(":authority", Authority),
            new("sec-websocket-version", version),
        };
        if (!withProtocol) fields.RemoveAll(f => f.Name == ":protocol");
        if (without is not null) fields.RemoveAll(f => f.Name == without);
        return fields;
    }

    /// <summary>Opens a stream with these headers (no END_STREAM: a CONNECT stream stays open) and waits for the answer.</summary>
    public async Task<(Http2Stream Stream, Answer Answer)> RequestAsync(Http2Connection c, IEnumerable<HeaderField> fields, CancellationToken ct)
    {
        var stream = c.OpenStream();
        await c.SendHeadersAsync(stream, fields, endStream: false, ct);
        return (stream, await AnswerOf(c, stream, ct));
    }

    /// <summary>The response headers, or else the stream's end or a GOAWAY, whichever comes first within the timeout.</summary>
    public async Task<Answer> AnswerOf(Http2Connection c, Http2Stream stream, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(AnswerTimeout);
        try
        {
            await Task.WhenAny(stream.Headers.WaitAsync(timeout.Token), c.GoAway.WaitAsync(timeout.Token));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
        var fields = stream.Headers.IsCompletedSuccessfully ? stream.Headers.Result : null;
        return new Answer(fields, stream.Ended.IsCompleted ? stream.Ended.Result : null, c.GoAway.IsCompleted ? c.GoAway.Result : null);
    }

    /// <summary>After a response: reads the rest of the stream (a small error body) and returns how it ended, or null if it did not in time.</summary>
    public async Task<StreamEnd?> EndOf(Http2Stream stream, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(AnswerTimeout);
        try
        {
            long read = 0;
            while (await stream.ReadAsync(timeout.Token) is { } data)
            {
                read += data.Length;
                if (read > 1024 * 1024) return null; // not an error body; the stream is still open
            }
            return await stream.Ended;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>A WebSocket on a new stream of <paramref name="c"/>; any answer but 200 fails the case.</summary>
    public async Task<StreamWebSocket> OpenWebSocketAsync(Http2Connection c, CancellationToken ct)
    {
        var (stream, answer) = await RequestAsync(c, ExtendedConnect(), ct);
        if (answer.Status != 200) throw new CaseFailedException($"a valid extended CONNECT was answered with {answer}, not 200");
        return new StreamWebSocket(c, stream, isClient: true);
    }

    /// <summary>Sends a message and waits for its echo; anything else fails the case.</summary>
    public async Task EchoAsync(StreamWebSocket ws, int opcode, byte[] payload, string what, CancellationToken ct, TimeSpan? timeout = null)
    {
        await ws.SendAsync(opcode, payload, ct);
        await ExpectEchoAsync(ws, opcode, payload, what, ct, timeout);
    }

    public async Task ExpectEchoAsync(StreamWebSocket ws, int opcode, byte[] payload, string what, CancellationToken ct, TimeSpan? timeout = null)
    {
        var e = await Bounded(ws.ReceiveAsync(ct), $"echo of {what}", ct, timeout);
        if (e.Opcode != opcode || !e.Payload.AsSpan().SequenceEqual(payload))
        {
            throw new CaseFailedException($"{what} came back as {e}, not as the same {(opcode == 1 ? "text" : "binary")} message of {payload.Length} octets");
        }
        if (e.Masked) throw new CaseFailedException($"{what} came back in masked frames; a server must not mask (RFC 6455 §5.1)");
    }

    /// <summary>Waits for <paramref name="task"/> at most the answer timeout (or <paramref name="timeout"/>); too late fails the case.</summary>
    public async Task<T> Bounded<T>(Task<T> task, string what, CancellationToken ct, TimeSpan? timeout = null)
    {
        try
        {
            return await task.WaitAsync(timeout ?? AnswerTimeout, ct);
        }
        catch (TimeoutException)
        {
            throw new CaseFailedException($"no {what} within {(timeout ?? AnswerTimeout).TotalSeconds:0.#} s");
        }
        catch (IOException e)
        {
            throw new CaseFailedException($"waiting for {what}: {e.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<Http2Connection> all;
        lock (_connections) all = [.. _connections];
        foreach (var c in all) await c.DisposeAsync();
    }
}
