using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Autobahn.Engine.Cases;
using Autobahn.Engine.Transport;
using Autobahn.Engine.Wire;
using Autobahn.Vocabulary;

namespace Autobahn.Engine.Engine;

/// <summary>
/// Runs one case over one open WebSocket connection and judges it. It plays the fuzzer's side of the protocol the way
/// the official suite's protocol layer does (fail by sending a close rather than dropping, the same close and drop
/// deadlines), because the verdicts depend on exactly who closed what, and when.
/// All state is touched only by the session's own loop; timers and the connection's reader post work to it.
/// The connection is a TCP connection (HTTP/1.1) or an HTTP/2 stream (RFC 8441): the rules are the same, with
/// "the server drops TCP" read as "the server ends (or resets) the stream" over HTTP/2.
/// </summary>
public sealed class CaseSession
{
    private enum State { Open, Closing, Closed }

    private readonly CaseDefinition _case;
    private readonly CaseConnection _connection;
    private readonly bool _isServer;
    private readonly Timeouts _timeouts;
    private readonly CaseResult _result;
    private readonly Channel<Action> _inbox = Channel.CreateUnbounded<Action>(new() { SingleReader = true });
    private readonly Channel<Outgoing> _outbox = Channel.CreateUnbounded<Outgoing>(new() { SingleReader = true });
    private readonly FrameReader _reader = new();
    private readonly CaseContext _context;
    private readonly MessageCompressor? _compressor;
    private readonly MessageDecompressor? _decompressor;
    private bool _messageCompressed;
    private readonly Stopwatch _clock = new();
    private State _state = State.Open;
    private bool _lost;
    private volatile bool _abort;
    private readonly CancellationTokenSource _timers = new();
    private TaskCompletionSource _chunkPosted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _ignoreData;
    private bool _closeTimerArmed;
    // When an octet last crossed the wire (Stopwatch timestamp), for the deadlines that count only idle time.
    private long _lastProgress;
    private bool _dropTimerArmed;
    // The data message being assembled from its frames; the buffer keeps its size from message to message.
    private readonly ArrayBufferWriter<byte> _message = new();
    private bool _messageOpen;
    private int _messageOpcode;
    // An open frame whose payload is being sent piece by piece.
    private byte[]? _partMask;
    private long _partOffset;

    private WireLog Log => _result.Log;

    public CaseSession(CaseDefinition definition, CaseConnection connection, bool isServer, Timeouts timeouts, CaseResult result, DeflateAgreement? deflate = null)
    {
        _context = new CaseContext(deflate);
        if (deflate is not null)
        {
            // Each side compresses under the parameters the agreement sets for its own direction.
            _compressor = isServer ? new MessageCompressor(deflate.ServerMaxWindowBits, deflate.ServerNoContextTakeover)
                                   : new MessageCompressor(deflate.ClientMaxWindowBits, deflate.ClientNoContextTakeover);
            _decompressor = new MessageDecompressor(isServer ? deflate.ClientNoContextTakeover : deflate.ServerNoContextTakeover);
        }
        _case = definition;
        _connection = connection;
        _isServer = isServer;
        _timeouts = timeouts;
        _result = result;
    }

    /// <summary>Runs the case to the end of the connection; <paramref name="early"/> holds frame octets that arrived with the handshake.</summary>
    public async Task RunAsync(ReadOnlyMemory<byte> early)
    {
        _result.Transport = _connection.Transport;
        _clock.Start();
        _context.Clock.Start();
        MarkProgress();
        var writer = Task.Run(WriteLoopAsync);
        var reader = Task.Run(ReadLoopAsync);
        if (!early.IsEmpty) { var copy = early.ToArray(); Post(() => OnData(copy)); }
        Post(() => RunSteps(_case.Opening is { } open ? open(_context).ToList() : _case.Steps, 0));
        Schedule(_case.HardLimit.TotalSeconds, () => { if (_state != State.Closed) { _result.WasNotCleanReason = "engine time limit for the case reached"; Drop(abort: true); } });
        await foreach (var work in _inbox.Reader.ReadAllAsync())
        {
            work();
            if (_lost && _state == State.Closed) break;
        }
        _outbox.Writer.TryComplete();
        _inbox.Writer.TryComplete();
        _timers.Cancel();
        _result.DurationMs = (long)Math.Round(_clock.Elapsed.TotalMilliseconds);
        _connection.Dispose();
        await Task.WhenAll(writer, reader).ConfigureAwait(false);
        _compressor?.Dispose();
        _decompressor?.Dispose();
        Judge();
    }

    private void Post(Action work) => _inbox.Writer.TryWrite(work);

    private void Schedule(double seconds, Action work) => _ = FireAsync(seconds, work);

    private async Task FireAsync(double seconds, Action work)
    {
        // Deadlines die with the case: a 480 s timer must not keep a finished session (and its buffers) alive.
        try { await Task.Delay(TimeSpan.FromSeconds(seconds), _timers.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) { return; }
        // Octets already at our end of the connection when a deadline passes arrived in time: let the reader hand them over first,
        // so a busy machine does not turn a prompt peer into a late one.
        try
        {
            if (!_lost && _connection.HasUnread) await Task.WhenAny(_chunkPosted.Task, Task.Delay(500)).ConfigureAwait(false);
        }
        catch (ObjectDisposedException) { }
        Post(work);
    }

    private void MarkProgress() => Volatile.Write(ref _lastProgress, Stopwatch.GetTimestamp());

    /// <summary>Runs <paramref name="work"/> once no octet has been sent or received for <paramref name="seconds"/>.</summary>
    private void WhenIdle(double seconds, Action work) => _ = WatchIdleAsync(seconds, work);

    private async Task WatchIdleAsync(double seconds, Action work)
    {
        // Looked at once a second: the idle limits are tens of seconds, so a second's lateness changes nothing.
        using var tick = new PeriodicTimer(TimeSpan.FromSeconds(Math.Min(1, seconds)));
        try
        {
            while (await tick.WaitForNextTickAsync(_timers.Token).ConfigureAwait(false))
            {
                if (Stopwatch.GetElapsedTime(Volatile.Read(ref _lastProgress)).TotalSeconds < seconds) continue;
                Post(work);
                return;
            }
        }
        catch (OperationCanceledException) { }
    }

    // ---- the script ----

    private void RunSteps(IReadOnlyList<Step> steps, int from)
    {
        for (int i = from; i < steps.Count; i++)
        {
            if (_state == State.Closed) return;
            switch (steps[i])
            {
                case SendFrame f: Send(f.Frame); break;
                case SendMessage m: SendWholeMessage(m); break;
                case SendClose c: SendCloseFrame(c.Code, c.Reason, isReply: false); break;
                case BeginFrame b: BeginPartialFrame(b); break;
                case SetWireLog w: Log.Switch(w.Enabled, w.Mark); break;
                case SendFrameData d: SendPartialData(d.Data); break;
                case KillAfter k:
                    Log.Timer("KL", k.Seconds);
                    Schedule(k.Seconds, () =>
                    {
                        if (_state == State.Closed) return;
                        // A peer that is on its way to the expected outcome (nothing received yet that rules it out)
                        // gets up to the peer-answer time before it is dropped; one that has already answered wrongly
                        // is dropped at the case's own time, as the official suite does.
                        double more = _timeouts.PeerAnswer - k.Seconds;
                        if (more > 0 && CouldStillMatch()) Schedule(more, Kill);
                        else Kill();
                    });
                    break;
                case CloseAfter c:
                    Log.Timer("TI", c.Seconds);
                    Schedule(c.Seconds, () => { if (_state != State.Closed) { Log.TimerFired("TIE"); SendCloseFrame(null, null, isReply: false); } });
                    break;
                case CloseWhenIdle idle:
                    Log.Timer("TI", idle.Seconds);
                    WhenIdle(idle.Seconds, () => { if (_state != State.Closed) { Log.TimerFired("TIE"); SendCloseFrame(null, null, isReply: false); } });
                    break;
                case ContinueLater later:
                    Log.Timer("CT", later.Seconds, later.Tag);
                    int next = i + 1;
                    Schedule(later.Seconds, () =>
                    {
                        if (_state == State.Closed) return;
                        Log.TimerFired("CTE", later.Tag);
                        if (later.OnlyWhenOpen && _state != State.Open) return;
                        if (later.RecordTimeout) _context.Received.Add(PeerEvent.Timeout(later.Tag ?? ""));
                        RunSteps(steps, next);
                    });
                    return;
            }
        }
    }

    private void Send(FrameSpec f)
    {
        var payload = f.WirePayload();
        var buffer = ArrayPool<byte>.Shared.Rent(FrameWriter.HeaderLength(payload.Length, !_isServer) + payload.Length);
        int length = EncodeFrame(buffer, 0, f.Opcode, payload, f.Fin, f.Rsv, f);
        Write(buffer, length, f.ChopSize, f.Sync || f.ChopSize is not null);
    }

    /// <summary>Encodes and logs one frame at <paramref name="at"/>; <paramref name="spec"/> is what the log shows (null: the frame as given).</summary>
    private int EncodeFrame(byte[] buffer, int at, int opcode, ReadOnlySpan<byte> payload, bool fin, int rsv, FrameSpec? spec = null)
    {
        Span<byte> mask = stackalloc byte[4];
        if (_isServer) mask = default;
        else FrameWriter.FillMask(mask);
        if (spec is not null) Log.TxFrame(spec, mask);
        else Log.TxFrame(opcode, payload, fin, rsv, mask);
        return FrameWriter.EncodeInto(buffer.AsSpan(at), opcode, payload, fin, rsv, mask);
    }

    /// <summary>Queues a pooled buffer for the writer (which returns it to the pool), in chops of <paramref name="chop"/> octets when given.</summary>
    private void Write(byte[] buffer, int length, int? chop, bool sync)
    {
        int size = chop is int c && c > 0 && c < length ? c : length;
        for (int at = 0; at < length; at += size)
        {
            int n = Math.Min(size, length - at);
            // Each write counts in the statistics as the official suite counts them: one entry per socket write.
            Log.TxOctetsSent(buffer.AsSpan(at, n), sync);
            _outbox.Writer.TryWrite(new Outgoing(buffer, at, n, sync, Release: at + n >= length));
        }
    }

    private void SendWholeMessage(SendMessage m)
    {
        int opcode = m.Binary ? 2 : 1;
        // With permessage-deflate agreed, every message goes out compressed, RSV1 on its first frame only.
        var payload = _compressor is null ? m.Payload : _compressor.Compress(m.Payload, m.Sequence);
        int rsv = _compressor is null ? 0 : 4;
        int size = m.FragmentSize is int s && s > 0 ? s : Math.Max(1, payload.Length);
        // All frames of the message go into one pooled buffer and one write: what the peer receives is the same frames
        // as frame-by-frame writes would give (each counted as its own write), at a fraction of the cost.
        int frames = Math.Max(1, (payload.Length + size - 1) / size);
        int total = payload.Length + frames * FrameWriter.HeaderLength(Math.Min(size, payload.Length), !_isServer);
        var buffer = ArrayPool<byte>.Shared.Rent(total);
        int length = 0;
        for (int at = 0; at < payload.Length || at == 0; at += size)
        {
            int end = Math.Min(payload.Length, at + size);
            int start = length;
            length += EncodeFrame(buffer, length, at == 0 ? opcode : 0, payload.AsSpan(at, end - at), fin: end == payload.Length, at == 0 ? rsv : 0);
            Log.TxOctetsSent(buffer.AsSpan(start, length - start), false);
            if (end == payload.Length) break;
        }
        _outbox.Writer.TryWrite(new Outgoing(buffer, 0, length, Sync: false, Release: true));
    }

    private void BeginPartialFrame(BeginFrame b)
    {
        _partMask = _isServer ? null : FrameWriter.NewMask();
        _partOffset = 0;
        var header = ArrayPool<byte>.Shared.Rent(FrameWriter.HeaderLength(b.PayloadLength, _partMask is not null));
        int length = FrameWriter.EncodeInto(header, b.Opcode, [], b.Fin, 0, _partMask, b.PayloadLength);
        Log.TxFrame(new FrameSpec(b.Opcode, [], b.Fin), _partMask);
        Write(header, length, null, false);
    }

    private void SendPartialData(byte[] data)
    {
        var copy = ArrayPool<byte>.Shared.Rent(data.Length);
        data.CopyTo(copy, 0);
        if (_partMask is not null) FrameWriter.ApplyMask(copy.AsSpan(0, data.Length), _partMask, _partOffset);
        _partOffset += data.Length;
        Write(copy, data.Length, null, false);
    }

    // ---- closing, failing, dropping: the rules the verdicts are defined by ----

    private void SendCloseFrame(int? code, byte[]? reason, bool isReply)
    {
        if (_state != State.Open) return;
        // Code and reason are written as given, even when invalid: some cases send a bad close on purpose.
        int codeLength = code is null ? 0 : 2;
        var payload = new byte[codeLength + (reason?.Length ?? 0)];
        if (code is int c) BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)c);
        reason?.CopyTo(payload, codeLength);
        Send(new FrameSpec(8, payload));
        _state = State.Closing;
        _result.ClosedByMe = !isReply;
        _result.LocalCloseCode = code;
        _result.LocalCloseReason = reason is null ? null : Encoding.UTF8.GetString(reason);
        if (!isReply && !_closeTimerArmed)
        {
            _closeTimerArmed = true;
            Schedule(_timeouts.CloseHandshake, () =>
            {
                if (_state == State.Closed || !_closeTimerArmed) return;
                _result.WasClean = false;
                _result.WasNotCleanReason = "peer did not finish the closing handshake in time";
                _result.WasCloseHandshakeTimeout = true;
                Drop(abort: true);
            });
        }
    }

    /// <summary>Fails the connection the conformant way: a close with the code, or a drop when a close is already out.</summary>
    private void Fail(int code, string reason)
    {
        if (_state == State.Closed) return;
        _result.FailedByMe = true;
        _ignoreData = true;
        if (_state == State.Open) SendCloseFrame(code, Encoding.UTF8.GetBytes(reason), isReply: false);
        else Drop(abort: false);
    }

    private void Drop(bool abort)
    {
        if (_state == State.Closed) return;
        _result.DroppedByMe = true;
        _state = State.Closed;
        _abort = abort;
        _outbox.Writer.TryComplete();
        // A peer that never closes its side must not keep the case open: the connection goes after a grace period.
        Schedule(_timeouts.ServerConnectionDrop + 1, () => { if (!_lost) _connection.Dispose(); });
    }

    private void ArmServerDropTimer()
    {
        if (_isServer) { Drop(abort: false); return; }
        if (_dropTimerArmed) return;
        _dropTimerArmed = true;
        Schedule(_timeouts.ServerConnectionDrop, () =>
        {
            if (_state == State.Closed) return;
            _result.WasClean = false;
            _result.WasNotCleanReason = WebSocketTransports.IsHttp2(_connection.Transport) ? "server did not end the stream in time" : "server did not drop the TCP connection in time";
            _result.WasServerConnectionDropTimeout = true;
            Drop(abort: true);
        });
    }

    // ---- what the peer sends ----

    private void OnData(byte[] data)
    {
        Log.RxOctetsReceived(data);
        if (_state == State.Closed) return;
        _reader.Append(data);
        while (_state != State.Closed)
        {
            ReceivedFrame? frame;
            try { frame = _reader.TryRead(); }
            catch (InvalidDataException e) { Fail(1009, e.Message); return; }
            if (frame is null) return;
            Log.RxFrame(frame);
            OnFrame(frame);
        }
    }

    private void OnFrame(ReceivedFrame f)
    {
        if (_ignoreData && f.Opcode != 8) return;
        string? violation =
            (f.Mask is not null) != _isServer ? (_isServer ? "unmasked frame from a client" : "masked frame from a server")
            : f.Rsv != 0 && !(f.Rsv == 4 && _decompressor is not null && f.Opcode is 1 or 2) ? "reserved bits set that no agreed extension defines"
            : f.Opcode is (>= 3 and <= 7) or > 10 ? $"reserved opcode {f.Opcode}"
            : f.Opcode >= 8 && !f.Fin ? "fragmented control frame"
            : f.Opcode >= 8 && f.Payload.Length > 125 ? "control frame payload over 125 octets"
            : f.Opcode == 0 && !_messageOpen ? "continuation frame with no message started"
            : f.Opcode is 1 or 2 && _messageOpen ? "new data frame while a fragmented message is open"
            : null;
        if (violation is not null) { Fail(1002, violation); return; }
        switch (f.Opcode)
        {
            case 8: OnCloseFrame(f.Payload); return;
            case 9:
                if (_state == State.Open) Send(new FrameSpec(10, f.Payload));
                return;
            case 10: Deliver(PeerEvent.Pong(f.Payload)); return;
        }
        if (f.Opcode != 0) { _message.ResetWrittenCount(); _messageOpen = true; _messageOpcode = f.Opcode; _messageCompressed = f.Rsv == 4; }
        _message.Write(f.Payload);
        if (!f.Fin) return;
        _messageOpen = false;
        byte[] payload;
        if (!_messageCompressed) payload = _message.WrittenSpan.ToArray();
        else
        {
            try { payload = _decompressor!.Decompress(_message.WrittenSpan, _reader.MaxPayload); }
            catch (InvalidDataException e) { Fail(1002, "compressed message does not inflate: " + e.Message); return; }
        }
        if (_messageOpcode == 1 && !System.Text.Unicode.Utf8.IsValid(payload)) { Fail(1007, "invalid UTF-8 in a text message"); return; }
        Deliver(new PeerEvent("message", payload, _messageOpcode == 2));
    }

    private void OnCloseFrame(byte[] payload)
    {
        _result.RemoteCloseCode = null;
        _result.RemoteCloseReason = null;
        if (payload.Length == 1) { Fail(1002, "close frame with a 1-octet payload"); return; }
        if (payload.Length >= 2)
        {
            int code = BinaryPrimitives.ReadUInt16BigEndian(payload);
            if (CloseCodes.IsValidOnWire(code, _case.Profile)) _result.RemoteCloseCode = code;
            else { Fail(1002, $"invalid close code {code}"); _result.RemoteCloseCode = 1000; }
            var reason = payload.AsSpan(2);
            if (!System.Text.Unicode.Utf8.IsValid(reason)) Fail(1007, "close reason is not UTF-8");
            else if (payload.Length > 2) _result.RemoteCloseReason = Encoding.UTF8.GetString(reason);
        }
        switch (_state)
        {
            case State.Closing:
                _closeTimerArmed = false;
                _result.WasClean = true;
                ArmServerDropTimer();
                break;
            case State.Open:
                _result.WasClean = true;
                SendCloseFrame(1000, null, isReply: true);
                ArmServerDropTimer();
                break;
            default:
                _result.WasClean = false;
                break;
        }
    }

    private void Deliver(PeerEvent e)
    {
        _context.Received.Add(e);
        if (_case.OnEvent is { } react)
        {
            RunSteps(react(_context, e).ToList(), 0);
            return;
        }
        // When what arrived now equals every expected outcome, the case is done and we close (if we are to close).
        if (_case.Close.ClosedByMe && !_case.SuppressClose && _case.Expected.Count > 0 && _case.Expected.All(o => SameEvents(_context.Received, o.Events)))
            SendCloseFrame(_case.Close.Codes[0], null, isReply: false);
    }

    private static bool SameEvents(IReadOnlyList<PeerEvent> a, IReadOnlyList<PeerEvent> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.SameAs(p.Second));

    // What the peer sent so far begins some expected outcome (or the case has none to match).
    private bool CouldStillMatch() =>
        _case.Expected.Count == 0 || _case.Expected.Any(o => _context.Received.Count <= o.Events.Count && _context.Received.Zip(o.Events).All(p => p.First.SameAs(p.Second)));

    private void Kill()
    {
        if (_state == State.Closed) return;
        Log.TimerFired("KLE");
        Fail(1001, "going away");
    }

    // ---- the connection ----

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int n = await _connection.ReceiveAsync(buffer);
                if (n == 0) break;
                MarkProgress();
                var chunk = buffer[..n];
                Post(() => OnData(chunk));
                Interlocked.Exchange(ref _chunkPosted, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or OperationCanceledException) { }
        Post(() => { _lost = true; _state = State.Closed; });
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            var batch = new List<ArraySegment<byte>>();
            var sent = new List<byte[]>();
            int batched = 0;
            while (await _outbox.Reader.WaitToReadAsync())
            {
                while (!_abort && _outbox.Reader.TryRead(out var item))
                {
                    var segment = new ArraySegment<byte>(item.Buffer, item.Offset, item.Length);
                    if (item.Sync)
                    {
                        batched = await SendBatchAsync(batch, sent);
                        await _connection.SendAsync(segment);
                        MarkProgress();
                        if (item.Release) ArrayPool<byte>.Shared.Return(item.Buffer);
                        continue;
                    }
                    // Writes queued together go out in one, as a buffered transport would send them.
                    batch.Add(segment);
                    if (item.Release) sent.Add(item.Buffer);
                    batched += item.Length;
                    if (batched >= 256 * 1024) batched = await SendBatchAsync(batch, sent);
                }
                batched = await SendBatchAsync(batch, sent);
                if (_abort) break;
            }
            await _connection.EndSendingAsync(_abort);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or OperationCanceledException) { }
    }

    /// <summary>Sends what is batched, then gives the buffers that are done with back to the pool; returns the octets left batched (none).</summary>
    private async Task<int> SendBatchAsync(List<ArraySegment<byte>> batch, List<byte[]> sent)
    {
        if (batch.Count == 1) await _connection.SendAsync(batch[0]);
        else if (batch.Count > 1) await _connection.SendAsync(batch);
        if (batch.Count > 0) MarkProgress();
        batch.Clear();
        foreach (var buffer in sent) ArrayPool<byte>.Shared.Return(buffer);
        sent.Clear();
        return 0;
    }

    // ---- the verdict ----

    private void Judge()
    {
        _result.Received.AddRange(_context.Received);
        if (_case.Expected.Count == 0)
        {
            _result.Behavior = _context.Verdict ?? VerdictWords.Failed;
            _result.Result = _context.Result ?? _result.Result;
        }
        foreach (var outcome in _case.Expected)
        {
            if (!SameEvents(_context.Received, outcome.Events)) continue;
            _result.Behavior = outcome.Verdict;
            _result.Result = "Actual events match at least one expected.";
            break;
        }
        var expected = _case.Close;
        if (expected.ClosedByMe != _result.ClosedByMe)
            (_result.BehaviorClose, _result.ResultClose) = (VerdictWords.Failed, "The connection was failed by the wrong endpoint");
        // Over HTTP/2 the transport's own rule comes first: it is why any close frame still in flight was lost.
        else if (_connection.EndedWrongly is { } wrongEnd)
            (_result.BehaviorClose, _result.ResultClose) = (VerdictWords.Failed, wrongEnd);
        else if (expected.RequireClean && !_result.WasClean)
            (_result.BehaviorClose, _result.ResultClose) = (VerdictWords.Unclean, "The spec requires the connection to be failed cleanly here");
        else if (_result.RemoteCloseCode is int code && !expected.Codes.Contains(code))
            (_result.BehaviorClose, _result.ResultClose) = (VerdictWords.WrongCode, $"The close code should have been {string.Join(',', expected.Codes)} or empty");
        else if (!_isServer && _result.DroppedByMe)
            (_result.BehaviorClose, _result.ResultClose) = (VerdictWords.FailedByClient, "It is preferred that the server close the TCP connection");
        else
            (_result.BehaviorClose, _result.ResultClose) = (VerdictWords.Ok, "Connection was properly closed");
        // A peer that never noticed the fault it was sent (we had to close instead) failed the case itself.
        if (expected.WrongEndpointIsFatal && expected.ClosedByMe != _result.ClosedByMe) _result.Behavior = VerdictWords.Failed;
        switch (_case.Judging)
        {
            case Judging.WrongCodeFails when _result.BehaviorClose == VerdictWords.WrongCode:
                (_result.Behavior, _result.Result) = (VerdictWords.Failed, _result.ResultClose);
                break;
            case Judging.Informational:
                _result.Result = _result.Behavior switch
                {
                    VerdictWords.Ok => "The peer's answer was the first expected one.",
                    VerdictWords.NonStrict => "The peer's answer was the second expected one.",
                    _ => "What the peer does here is not defined by the spec.",
                };
                (_result.Behavior, _result.BehaviorClose) = (VerdictWords.Informational, VerdictWords.Informational);
                break;
        }
    }
}

/// <summary>One write waiting for the writer: a slice of a pooled buffer, returned to the pool after its last slice is sent.</summary>
internal readonly record struct Outgoing(byte[] Buffer, int Offset, int Length, bool Sync, bool Release);
