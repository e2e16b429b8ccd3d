using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using Autobahn.Engine.Wire;

namespace Autobahn.Fuzz;

/// <summary>
/// Runs one session against the target over a fresh TCP connection and records what came back. It stops sending once
/// the server has closed (a Close frame or TCP), answers a server's Close, and after the last step closes normally when
/// the session was valid so far, or waits for the server to fail the connection when it was not. Every wait is bounded.
/// </summary>
public sealed class SessionExecutor(Uri target, TimeSpan deadline, bool echo = true)
{
    public Uri Target { get; } = target;
    public TimeSpan Deadline { get; } = deadline;
    /// <summary>Longest pause a step may take (pauses are for splitting, not for waiting out timers).</summary>
    public const int MaxPauseMs = 250;

    public async Task<Transcript> RunAsync(FuzzSession session, CancellationToken ct)
    {
        var t = new Transcript();
        var clock = Stopwatch.StartNew();
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var connectCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            connectCts.CancelAfter(Deadline);
            await socket.ConnectAsync(Target.Host, Target.Port, connectCts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            t.ConnectFailed = true;
            t.ConnectError = e is SocketException se ? se.SocketErrorCode.ToString() : "connect timed out";
            return t;
        }

        byte[] early;
        try
        {
            await SendPiecesAsync(socket, WireBuild.Request(session.Handshake, Target), session.Handshake.Splits, ct).ConfigureAwait(false);
            using var headCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            headCts.CancelAfter(Deadline);
            (t.ResponseHead, early) = await HttpHead.ReadAsync(socket, new WireLog(), headCts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException || e is OperationCanceledException && !ct.IsCancellationRequested) { t.HandshakeEnd = "timeout"; t.GaveUp = true; return Done(t, clock); }
        catch (Exception e) when (e is InvalidDataException or SocketException) { t.HandshakeEnd = "closed"; return Done(t, clock); }
        ReadHead(t, session.Handshake.Key);
        if (!t.Upgraded) return Done(t, clock);

        // The reader hands every frame and the end of the stream to the session as they come.
        var reader = new FrameReader { MaxPayload = 64L * 1024 * 1024 };
        var changed = new SemaphoreSlim(0);
        int stepsSent = 0;
        bool serverClosed = false, tcpEnded = false;
        bool stopping = false;
        void Add(ServerEvent e)
        {
            lock (t.Events)
            {
                // Once we close the socket ourselves, what the reader sees is our doing, not the server's.
                if (stopping) return;
                t.Events.Add(e);
                if (e.Kind == EventKind.Frame && e.Frame!.Opcode == 8) serverClosed = true;
                if (e.Kind != EventKind.Frame) tcpEnded = true;
            }
            changed.Release();
        }
        void Feed(ReadOnlySpan<byte> data)
        {
            reader.Append(data);
            while (true)
            {
                ReceivedFrame? f;
                try { f = reader.TryRead(); }
                catch (InvalidDataException e) { Add(new(EventKind.Undecodable, clock.Elapsed.TotalMilliseconds, Volatile.Read(ref stepsSent), Detail: e.Message)); return; }
                if (f is null) return;
                Add(new(EventKind.Frame, clock.Elapsed.TotalMilliseconds, Volatile.Read(ref stepsSent), f));
            }
        }
        Feed(early);
        using var readerCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var readLoop = Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            try
            {
                while (true)
                {
                    int n = await socket.ReceiveAsync(buffer, SocketFlags.None, readerCts.Token).ConfigureAwait(false);
                    if (n == 0) { Add(new(EventKind.TcpClosed, clock.Elapsed.TotalMilliseconds, Volatile.Read(ref stepsSent))); return; }
                    Feed(buffer.AsSpan(0, n));
                }
            }
            catch (OperationCanceledException) { }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { Add(new(EventKind.Reset, clock.Elapsed.TotalMilliseconds, Volatile.Read(ref stepsSent), Detail: e.Message)); }
        }, CancellationToken.None);

        bool Ended() { lock (t.Events) return serverClosed || tcpEnded; }
        bool weClosed = false, sendFailed = false;
        try
        {
            for (int i = 0; i < session.Steps.Count && !Ended(); i++)
            {
                var s = session.Steps[i];
                Volatile.Write(ref stepsSent, i + 1);
                t.StepsSent = i + 1;
                if (s.Kind == StepKind.Pause) { await Task.Delay(Math.Clamp(s.PauseMs, 0, MaxPauseMs), ct).ConfigureAwait(false); continue; }
                if (s.Kind == StepKind.TcpClose) { t.AbortedByUs = true; break; }
                var frame = Encode(s, i, t.Agreement);
                t.Sent.Add(frame.Sent);
                if (frame.Sent.Opcode == 8) weClosed = true;
                await SendPiecesAsync(socket, frame.Octets, s.Splits, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { sendFailed = true; }
        catch (TimeoutException) { sendFailed = t.SendStalled = true; }

        if (t.AbortedByUs)
        {
            // The session ends by dropping TCP: nothing more is owed by either side.
            await Task.Delay(20, ct).ConfigureAwait(false);
            lock (t.Events) stopping = true;
            socket.Close(0);
            readerCts.Cancel();
            await readLoop.ConfigureAwait(false);
            return Done(t, clock);
        }

        // A session that is valid so far ends with our normal close; otherwise the server owes the failure.
        var model = ReceiverModel.Expect(t.Agreement, t.Sent, Choices.Default);
        if (!sendFailed && !Ended() && !weClosed && model.Violation is null)
        {
            // As the suite does, close only once what is owed came back (or the deadline passed): a server may drop
            // replies it still had to write when a close overtakes them.
            var owedUntil = clock.Elapsed + Deadline;
            // The time left is read once: read again after the check, it can have become a few microseconds below
            // zero, and a wait of -1 ms (what -1.x ms truncates to) is SemaphoreSlim's "forever".
            while (!Ended() && !Owed(t, model, echo) && owedUntil - clock.Elapsed is var left && left > TimeSpan.Zero)
                await changed.WaitAsync(left, ct).ConfigureAwait(false);
            Volatile.Write(ref stepsSent, session.Steps.Count + 1);
        }
        if (!sendFailed && !Ended() && !weClosed && model.Violation is null)
        {
            var close = new FuzzStep { Opcode = 8, Payload = "03e8", Mask = session.Steps.Count > 0 ? session.Steps[^1].Mask : "a1b2c3d4" };
            var sent = new SentFrame(session.Steps.Count, 8, true, 0, true, LengthForm.Minimal, DeflateKind.None, [0x03, 0xE8], [0x03, 0xE8], Epilogue: true);
            t.Sent.Add(sent);
            weClosed = true;
            try { await SendAsync(socket, WireBuild.Frame(close, sent.Wire, 0), ct).ConfigureAwait(false); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
            catch (TimeoutException) { t.SendStalled = true; }
        }

        // Wait for the server's close (or drop), answer it, then wait for the drop; each wait bounded by the deadline.
        var until = clock.Elapsed + Deadline;
        bool answered = false;
        while (true)
        {
            bool closeSeen, ended;
            lock (t.Events) { closeSeen = serverClosed; ended = tcpEnded; }
            if (ended) break;
            if (closeSeen && !answered)
            {
                answered = true;
                until = clock.Elapsed + Deadline;
                if (!weClosed)
                {
                    // Answer the server's close as a well-behaved client would, echoing its code.
                    byte[] code;
                    lock (t.Events) code = t.Frames.First(f => f.Opcode == 8).Payload;
                    var reply = code.Length >= 2 ? code[..2] : [];
                    if (reply.Length == 2 && !Autobahn.Engine.Engine.CloseCodes.IsValidOnWire(BinaryPrimitives.ReadUInt16BigEndian(reply), Autobahn.Engine.Cases.SuiteProfile.Rfc)) reply = [0x03, 0xE8];
                    try { await SendAsync(socket, WireBuild.Frame(new FuzzStep { Opcode = 8 }, reply, 0), ct).ConfigureAwait(false); }
                    catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
                    catch (TimeoutException) { t.SendStalled = true; }
                }
            }
            var left = until - clock.Elapsed;
            if (left <= TimeSpan.Zero) { t.GaveUp = true; break; }
            await changed.WaitAsync(left, ct).ConfigureAwait(false);
        }
        lock (t.Events) stopping = true;
        socket.Close(0);
        readerCts.Cancel();
        await readLoop.ConfigureAwait(false);
        return Done(t, clock);
    }

    /// <summary>Whether every owed echo (counted as finished data messages) and a pong for the last ping have arrived.</summary>
    private static bool Owed(Transcript t, Expectation model, bool echo)
    {
        List<ReceivedFrame> frames;
        lock (t.Events) frames = [.. t.Frames];
        bool echoes = !echo || frames.Count(f => f.Fin && f.Opcode is 0 or 1 or 2) >= model.Echoes.Count;
        bool pong = model.Pings.Count == 0 || frames.Any(f => f.Opcode == 10 && f.Payload.AsSpan().SequenceEqual(model.Pings[^1]));
        return echoes && pong;
    }

    private static Transcript Done(Transcript t, Stopwatch clock)
    {
        t.ElapsedMs = Math.Round(clock.Elapsed.TotalMilliseconds, 1);
        return t;
    }

    /// <summary>A frame's octets and its record: payload compressed when the step asks for it and deflate was agreed (RSV1 then set).</summary>
    public static (byte[] Octets, SentFrame Sent) Encode(FuzzStep s, int index, DeflateAgreement? agreement)
    {
        var plain = s.PayloadBytes;
        var wire = plain;
        int rsv = s.Rsv & 7;
        if (s.Deflate != DeflateKind.None)
        {
            // Without an agreement the payload goes out as it is, RSV1 still set: a reserved bit no extension defines.
            rsv |= 4;
            if (agreement is not null)
                wire = s.Deflate == DeflateKind.Valid ? WireBuild.Deflate(plain, agreement.ClientMaxWindowBits) : WireBuild.CorruptDeflate(plain, agreement.ClientMaxWindowBits);
        }
        return (WireBuild.Frame(s, wire, rsv), new SentFrame(index, s.Opcode, s.Fin, rsv, s.Masked, s.Length, agreement is null ? DeflateKind.None : s.Deflate, plain, wire));
    }

    private async Task SendPiecesAsync(Socket socket, byte[] data, List<int> splits, CancellationToken ct)
    {
        int at = 0;
        foreach (var cut in splits.Where(c => c > 0 && c < data.Length).Distinct().Order())
        {
            await SendAsync(socket, data.AsMemory(at, cut - at), ct).ConfigureAwait(false);
            at = cut;
            // A moment between writes, so the peer's reads see the pieces apart.
            await Task.Delay(1, ct).ConfigureAwait(false);
        }
        await SendAsync(socket, data.AsMemory(at), ct).ConfigureAwait(false);
    }

    // One write, bounded by the deadline like every wait here: a server that stops reading lets its socket buffer and
    // ours fill, and the write then never completes. TimeoutException says so; the caller records it (SendStalled).
    private async Task SendAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bound.CancelAfter(Deadline);
        try { await socket.SendAsync(data, SocketFlags.None, bound.Token).ConfigureAwait(false); }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"a write of {data.Length} octets did not complete within {Deadline.TotalSeconds:0.##} s", e);
        }
    }

    private static void ReadHead(Transcript t, string key)
    {
        var lines = t.ResponseHead!.Split("\r\n");
        var status = lines[0].Split(' ', 3);
        t.Status = status.Length >= 2 && int.TryParse(status[1], out int code) ? code : -1;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            if (colon <= 0) continue;
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var before) ? before + ", " + value : value;
        }
        if (t.Status != 101) return;
        t.AcceptValid = headers.GetValueOrDefault("Sec-WebSocket-Accept") == ServerHandshake.AcceptFor(key);
        if (!HasToken(headers.GetValueOrDefault("Upgrade"), "websocket")) t.UpgradeProblem = "the 101 answer has no 'Upgrade: websocket'";
        else if (!HasToken(headers.GetValueOrDefault("Connection"), "upgrade")) t.UpgradeProblem = "the 101 answer has no 'Connection: Upgrade'";
        t.ExtensionsAnswer = headers.GetValueOrDefault("Sec-WebSocket-Extensions");
        try { t.Agreement = DeflateAgreement.Parse(t.ExtensionsAnswer); }
        catch (InvalidDataException e) { t.ExtensionError = e.Message; }
    }

    internal static bool HasToken(string? value, string token) =>
        value is not null && value.Split(',').Any(v => v.Trim().Equals(token, StringComparison.OrdinalIgnoreCase));
}
