using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Autobahn.Engine.Http2.Hpack;

namespace Autobahn.Engine.Http2;

public enum Http2Role { Client, Server }

/// <summary>What this side allows and announces in its SETTINGS.</summary>
public sealed record Http2ConnectionOptions
{
    /// <summary>Largest frame payload we accept (our SETTINGS_MAX_FRAME_SIZE).</summary>
    public int MaxFrameSize { get; init; } = Http2Limits.DefaultMaxFrameSize;
    /// <summary>Our receive window for each stream: the default, so that large messages cross it.</summary>
    public int InitialWindowSize { get; init; } = Http2Limits.DefaultWindowSize;
    public int MaxHeaderListSize { get; init; } = 64 * 1024;
    /// <summary>Largest header block (HEADERS and its CONTINUATIONs) we gather before giving up.</summary>
    public int MaxHeaderBlockSize { get; init; } = 256 * 1024;
    public int MaxConcurrentStreams { get; init; } = 100;
    /// <summary>Grant a stream's window back as its data is read. Off only for a test peer that must stall its sender.</summary>
    public bool GrantStreamWindows { get; init; } = true;
    /// <summary>Further settings to announce, e.g. a server's SETTINGS_ENABLE_CONNECT_PROTOCOL.</summary>
    public IReadOnlyList<(SettingId Id, uint Value)> ExtraSettings { get; init; } = [];
}

public sealed record GoAwayInfo(int LastStreamId, Http2ErrorCode Code, string Debug)
{
    public override string ToString() => $"GOAWAY {Code}" + (Debug.Length > 0 ? $" ('{Debug}')" : "");
}

/// <summary>
/// A small, strict HTTP/2 connection (RFC 9113) for the test side, either role: preface, SETTINGS, PING, GOAWAY,
/// header blocks through HPACK, and flow control both ways. It keeps the protocol's bookkeeping, never its manners:
/// <see cref="SendFrameAsync"/> writes any frame at all, so that cases can send what a well-behaved client would not.
/// Everything it reads is bounded (frame size, header block and list size, windows).
/// </summary>
public sealed class Http2Connection : IAsyncDisposable
{
    private readonly Stream _io;
    private readonly IDisposable? _owner;
    private readonly Http2ConnectionOptions _options;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly HpackDecoder _decoder;
    private readonly ConcurrentDictionary<int, Http2Stream> _streams = new();
    private readonly Channel<Http2Stream> _incoming = Channel.CreateUnbounded<Http2Stream>();
    private readonly TaskCompletionSource<IReadOnlyDictionary<SettingId, uint>> _firstSettings = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<GoAwayInfo> _goAway = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<SettingId, uint> _peerSettings = [];
    private readonly Lock _flowLock = new();
    private TaskCompletionSource _flowChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sendWindow = Http2Limits.DefaultWindowSize;
    private long _receiveWindow = Http2Limits.DefaultWindowSize;
    private long _peerInitialWindow = Http2Limits.DefaultWindowSize;
    private int _peerMaxFrameSize = Http2Limits.DefaultMaxFrameSize;
    private int _nextStreamId;
    private int _lastPeerStreamId;
    private Task _reading = Task.CompletedTask;
    // A header block being gathered from HEADERS and CONTINUATION frames.
    private int _blockStream;
    private bool _blockEndsStream;
    private readonly List<byte> _block = [];

    private Http2Connection(Stream io, IDisposable? owner, Http2Role role, Http2ConnectionOptions options)
    {
        _io = io;
        _owner = owner;
        Role = role;
        _options = options;
        _decoder = new HpackDecoder(4096, options.MaxHeaderListSize);
        _nextStreamId = role == Http2Role.Client ? 1 : 2;
    }

    public Http2Role Role { get; }

    /// <summary>The peer's first SETTINGS frame, as received (RFC 9113 §3.4: the first frame of its preface).</summary>
    public Task<IReadOnlyDictionary<SettingId, uint>> PeerSettings => _firstSettings.Task;
    /// <summary>Completes when the peer sends GOAWAY.</summary>
    public Task<GoAwayInfo> GoAway => _goAway.Task;
    /// <summary>Completes, with the reason, when reading ends: the peer closed the connection, or a connection error.</summary>
    public Task<string> Closed => _closed.Task;
    /// <summary>On the server side, the streams the peer opens.</summary>
    public ChannelReader<Http2Stream> IncomingStreams => _incoming.Reader;

    /// <summary>A client connection: the preface and our SETTINGS are sent at once; the peer's SETTINGS are not waited for.</summary>
    public static async Task<Http2Connection> StartClientAsync(Stream io, IDisposable? owner, Http2ConnectionOptions? options, CancellationToken ct)
    {
        var c = new Http2Connection(io, owner, Http2Role.Client, options ?? new());
        var settings = Http2FrameCodec.Encode(FrameType.Settings, 0, 0, Http2FrameCodec.SettingsPayload(c.OurSettings()));
        await c.WriteAsync([.. Http2Limits.ClientPreface, .. settings], ct);
        c._reading = Task.Run(c.ReadLoopAsync, CancellationToken.None);
        return c;
    }

    /// <summary>A server connection: our SETTINGS go out first, then the client's preface is read and checked.</summary>
    public static async Task<Http2Connection> StartServerAsync(Stream io, IDisposable? owner, Http2ConnectionOptions? options, CancellationToken ct)
    {
        var c = new Http2Connection(io, owner, Http2Role.Server, options ?? new());
        await c.WriteAsync(Http2FrameCodec.Encode(FrameType.Settings, 0, 0, Http2FrameCodec.SettingsPayload(c.OurSettings())), ct);
        c._reading = Task.Run(c.ReadLoopAsync, CancellationToken.None);
        return c;
    }

    private IEnumerable<(SettingId, uint)> OurSettings()
    {
        if (Role == Http2Role.Client) yield return (SettingId.EnablePush, 0);
        yield return (SettingId.MaxConcurrentStreams, (uint)_options.MaxConcurrentStreams);
        if (_options.InitialWindowSize != Http2Limits.DefaultWindowSize) yield return (SettingId.InitialWindowSize, (uint)_options.InitialWindowSize);
        if (_options.MaxFrameSize != Http2Limits.DefaultMaxFrameSize) yield return (SettingId.MaxFrameSize, (uint)_options.MaxFrameSize);
        yield return (SettingId.MaxHeaderListSize, (uint)_options.MaxHeaderListSize);
        foreach (var extra in _options.ExtraSettings) yield return extra;
    }

    /// <summary>A new stream with the next id of our side; nothing is sent until headers are.</summary>
    public Http2Stream OpenStream()
    {
        int id = Interlocked.Add(ref _nextStreamId, 2) - 2;
        lock (_flowLock)
        {
            var stream = new Http2Stream(this, id, _peerInitialWindow, _options.InitialWindowSize);
            _streams[id] = stream;
            return stream;
        }
    }

    /// <summary>A header block as HEADERS plus CONTINUATION frames cut to the peer's frame size, written with nothing between them.</summary>
    public Task SendHeadersAsync(Http2Stream stream, IEnumerable<HeaderField> fields, bool endStream, CancellationToken ct)
    {
        var block = HpackEncoder.Encode(fields);
        int size = Volatile.Read(ref _peerMaxFrameSize);
        var frames = new List<byte>();
        int at = 0;
        do
        {
            int n = Math.Min(size, block.Length - at);
            bool first = at == 0, last = at + n == block.Length;
            byte flags = (byte)((last ? FrameFlags.EndHeaders : 0) | (first && endStream ? FrameFlags.EndStream : 0));
            frames.AddRange(Http2FrameCodec.Encode(first ? FrameType.Headers : FrameType.Continuation, flags, stream.Id, block.AsSpan(at, n)));
            at += n;
        }
        while (at < block.Length);
        if (endStream) stream.LocalEnded = true;
        return WriteAsync([.. frames], ct);
    }

    /// <summary>DATA within the peer's windows: cut to its frame size, waiting for WINDOW_UPDATE when a window is spent.</summary>
    public async Task SendDataAsync(Http2Stream stream, ReadOnlyMemory<byte> data, bool endStream, CancellationToken ct)
    {
        do
        {
            int want = Math.Min(data.Length, Volatile.Read(ref _peerMaxFrameSize));
            int n = want == 0 ? 0 : await ReserveAsync(stream, want, ct);
            var chunk = data[..n];
            data = data[n..];
            bool last = data.IsEmpty;
            await WriteAsync(Http2FrameCodec.Encode(FrameType.Data, last && endStream ? FrameFlags.EndStream : FrameFlags.None, stream.Id, chunk.Span), ct);
        }
        while (!data.IsEmpty);
        if (endStream) stream.LocalEnded = true;
    }

    /// <summary>Any frame, exactly as given, with no bookkeeping: the way to break the rules on purpose.</summary>
    public Task SendFrameAsync(FrameType type, byte flags, int streamId, ReadOnlyMemory<byte> payload, CancellationToken ct) =>
        WriteAsync(Http2FrameCodec.Encode(type, flags, streamId, payload.Span), ct);

    /// <summary>Frames written back to back in one write (so the peer reads them together).</summary>
    public Task SendFramesAsync(IEnumerable<byte[]> frames, CancellationToken ct) => WriteAsync([.. frames.SelectMany(f => f)], ct);

    public Task ResetAsync(int streamId, Http2ErrorCode code, CancellationToken ct) =>
        SendFrameAsync(FrameType.RstStream, 0, streamId, Http2FrameCodec.UInt32Payload((uint)code), ct);

    public Task SendGoAwayAsync(Http2ErrorCode code, CancellationToken ct) =>
        SendFrameAsync(FrameType.GoAway, 0, 0, Http2FrameCodec.GoAwayPayload(Volatile.Read(ref _lastPeerStreamId), code), ct);

    /// <summary>The value the peer's first SETTINGS gave, or null when it did not name the setting.</summary>
    public uint? PeerSetting(SettingId id)
    {
        lock (_peerSettings) return _peerSettings.TryGetValue(id, out var v) ? v : null;
    }

    /// <summary>Ends the connection at once, without GOAWAY (a TCP close).</summary>
    public void Abort()
    {
        _stop.Cancel();
        _io.Dispose();
        _owner?.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        Abort();
        try { await _reading; }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException) { }
        _stop.Dispose();
    }

    internal async Task GrantStreamWindowAsync(Http2Stream stream, int n, CancellationToken ct)
    {
        if (!_options.GrantStreamWindows) return;
        lock (_flowLock) stream.ReceiveWindow += n;
        await WriteAsync(Http2FrameCodec.Encode(FrameType.WindowUpdate, 0, stream.Id, Http2FrameCodec.UInt32Payload((uint)n)), ct);
    }

    private async Task<int> ReserveAsync(Http2Stream stream, int want, CancellationToken ct)
    {
        while (true)
        {
            Task changed;
            lock (_flowLock)
            {
                if (_closed.Task.IsCompleted) throw new IOException("the connection has ended: " + _closed.Task.Result);
                if (stream.Ended.IsCompleted && stream.Ended.Result.Kind != StreamEndKind.EndStream) throw new IOException($"the stream has ended: {stream.Ended.Result}");
                long available = Math.Min(_sendWindow, stream.SendWindow);
                if (available > 0)
                {
                    int n = (int)Math.Min(available, want);
                    _sendWindow -= n;
                    stream.SendWindow -= n;
                    return n;
                }
                changed = _flowChanged.Task;
            }
            await changed.WaitAsync(ct);
        }
    }

    private void FlowChanged()
    {
        TaskCompletionSource old;
        lock (_flowLock)
        {
            old = _flowChanged;
            _flowChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        old.TrySetResult();
    }

    private async Task WriteAsync(byte[] octets, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            await _io.WriteAsync(octets, ct);
            await _io.FlushAsync(ct);
        }
        catch (ObjectDisposedException)
        {
            // Closed by this side (a case's end, or Abort): to a writer that is the same as a connection that broke.
            throw new IOException("the connection is closed");
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        var ct = _stop.Token;
        string reason = "the peer closed the connection";
        try
        {
            if (Role == Http2Role.Server)
            {
                var preface = new byte[Http2Limits.ClientPreface.Length];
                await _io.ReadExactlyAsync(preface, ct);
                if (!preface.AsSpan().SequenceEqual(Http2Limits.ClientPreface)) throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "the client's preface is wrong");
            }
            bool first = true;
            while (await Http2FrameCodec.ReadAsync(_io, _options.MaxFrameSize, ct) is { } frame)
            {
                // RFC 9113 §3.4: the server's preface is a SETTINGS frame; anything else first is a connection error.
                if (first && frame.Type != FrameType.Settings)
                {
                    // A server that refuses HTTP/2 here may say why in a GOAWAY as its first frame.
                    string what = frame.Type == FrameType.GoAway && frame.Payload.Length >= 8 ? GoAwayOf(frame).ToString() : frame.Type.ToString();
                    throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, $"the first frame is {what}, not SETTINGS");
                }
                first = false;
                await HandleAsync(frame, ct);
            }
        }
        catch (Http2ConnectionException e)
        {
            reason = $"connection error {e.Code}: {e.Message}";
            await TryGoAwayAsync(e.Code);
        }
        catch (HpackException e)
        {
            reason = $"connection error {Http2ErrorCode.CompressionError}: {e.Message}";
            await TryGoAwayAsync(Http2ErrorCode.CompressionError);
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or ObjectDisposedException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            reason = ct.IsCancellationRequested ? "closed by this side" : "the connection broke: " + e.Message;
        }
        finally
        {
            _closed.TrySetResult(reason);
            foreach (var s in _streams.Values) s.OnEnd(new StreamEnd(StreamEndKind.ConnectionLost, Detail: reason));
            _incoming.Writer.TryComplete();
            _firstSettings.TrySetException(new IOException("the connection ended before the peer's SETTINGS: " + reason));
            FlowChanged();
        }
    }

    private async Task TryGoAwayAsync(Http2ErrorCode code)
    {
        try
        {
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await SendGoAwayAsync(code, bounded.Token);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException) { }
    }

    private async Task HandleAsync(Http2Frame frame, CancellationToken ct)
    {
        if (_blockStream != 0 && (frame.Type != FrameType.Continuation || frame.StreamId != _blockStream))
        {
            throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, $"{frame.Type} on stream {frame.StreamId} inside a header block of stream {_blockStream}");
        }
        switch (frame.Type)
        {
            case FrameType.Settings: await OnSettingsAsync(frame, ct); break;
            case FrameType.Ping:
                if (frame.StreamId != 0) throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "PING on a stream");
                if (frame.Payload.Length != 8) throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "PING whose payload is not 8 octets");
                if (!frame.Has(FrameFlags.Ack)) await SendFrameAsync(FrameType.Ping, FrameFlags.Ack, 0, frame.Payload, ct);
                break;
            case FrameType.GoAway:
                if (frame.StreamId != 0 || frame.Payload.Length < 8) throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "a malformed GOAWAY");
                _goAway.TrySetResult(GoAwayOf(frame));
                break;
            case FrameType.WindowUpdate: OnWindowUpdate(frame); break;
            case FrameType.RstStream:
                if (frame.StreamId == 0) throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "RST_STREAM on stream 0");
                if (frame.Payload.Length != 4) throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "RST_STREAM whose payload is not 4 octets");
                if (_streams.TryGetValue(frame.StreamId, out var reset))
                {
                    reset.OnPeerReset((Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(frame.Payload));
                    FlowChanged();
                }
                break;
            case FrameType.Headers:
                if (frame.StreamId == 0) throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "HEADERS on stream 0");
                _blockStream = frame.StreamId;
                _blockEndsStream = frame.Has(FrameFlags.EndStream);
                _block.Clear();
                await GatherAsync(frame, Http2FrameCodec.Content(frame), ct);
                break;
            case FrameType.Continuation:
                if (_blockStream == 0) throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "CONTINUATION outside a header block");
                await GatherAsync(frame, frame.Payload, ct);
                break;
            case FrameType.Data: await OnDataAsync(frame, ct); break;
            case FrameType.PushPromise:
                throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "PUSH_PROMISE although we disabled push");
            default:
                break; // Priority and unknown types carry nothing for us (RFC 9113 §5.5: unknown types are ignored).
        }
    }

    private static GoAwayInfo GoAwayOf(Http2Frame frame) => new(
        BinaryPrimitives.ReadInt32BigEndian(frame.Payload) & int.MaxValue,
        (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(frame.Payload.AsSpan(4)),
        System.Text.Encoding.Latin1.GetString(frame.Payload.AsSpan(8)));

    private async Task OnSettingsAsync(Http2Frame frame, CancellationToken ct)
    {
        if (frame.StreamId != 0) throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "SETTINGS on a stream");
        if (frame.Has(FrameFlags.Ack))
        {
            if (frame.Payload.Length != 0) throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "a SETTINGS ACK with a payload");
            return;
        }
        foreach (var (id, value) in Http2FrameCodec.ParseSettings(frame.Payload))
        {
            switch (id)
            {
                case SettingId.InitialWindowSize:
                    if (value > Http2Limits.LargestWindowSize) throw new Http2ConnectionException(Http2ErrorCode.FlowControlError, $"SETTINGS_INITIAL_WINDOW_SIZE {value}");
                    lock (_flowLock)
                    {
                        long delta = value - _peerInitialWindow;
                        _peerInitialWindow = value;
                        foreach (var s in _streams.Values) s.SendWindow += delta;
                    }
                    FlowChanged();
                    break;
                case SettingId.MaxFrameSize:
                    if (value < Http2Limits.DefaultMaxFrameSize || value > Http2Limits.LargestMaxFrameSize) throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, $"SETTINGS_MAX_FRAME_SIZE {value}");
                    Volatile.Write(ref _peerMaxFrameSize, (int)value);
                    break;
                case SettingId.EnablePush or SettingId.EnableConnectProtocol when value > 1:
                    throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, $"{id} {value}: only 0 and 1 are allowed");
            }
            lock (_peerSettings)
            {
                if (!_firstSettings.Task.IsCompleted) _peerSettings[id] = value;
            }
        }
        await SendFrameAsync(FrameType.Settings, FrameFlags.Ack, 0, ReadOnlyMemory<byte>.Empty, ct);
        lock (_peerSettings) _firstSettings.TrySetResult(new Dictionary<SettingId, uint>(_peerSettings));
    }

    private void OnWindowUpdate(Http2Frame frame)
    {
        if (frame.Payload.Length != 4) throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "WINDOW_UPDATE whose payload is not 4 octets");
        long increment = BinaryPrimitives.ReadUInt32BigEndian(frame.Payload) & int.MaxValue;
        if (increment == 0 && frame.StreamId == 0) throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "WINDOW_UPDATE of 0 on the connection");
        lock (_flowLock)
        {
            if (frame.StreamId == 0)
            {
                _sendWindow += increment;
                if (_sendWindow > Http2Limits.LargestWindowSize) throw new Http2ConnectionException(Http2ErrorCode.FlowControlError, "the connection's window grew past 2^31-1");
            }
            else if (_streams.TryGetValue(frame.StreamId, out var s))
            {
                s.SendWindow += increment;
            }
        }
        FlowChanged();
    }

    private async Task GatherAsync(Http2Frame frame, ReadOnlyMemory<byte> fragment, CancellationToken ct)
    {
        if (_block.Count + fragment.Length > _options.MaxHeaderBlockSize)
        {
            throw new Http2ConnectionException(Http2ErrorCode.EnhanceYourCalm, $"a header block over {_options.MaxHeaderBlockSize} octets");
        }
        _block.AddRange(fragment.Span);
        if (!frame.Has(FrameFlags.EndHeaders)) return;
        int id = _blockStream;
        _blockStream = 0;
        // Decoded even for a stream we do not know: the dynamic table must follow every block.
        var fields = _decoder.Decode([.. _block]);
        if (!_streams.TryGetValue(id, out var stream))
        {
            if (Role != Http2Role.Server || id % 2 == 0 || id <= _lastPeerStreamId)
            {
                throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, $"HEADERS on stream {id}, which is not open");
            }
            _lastPeerStreamId = id;
            if (_streams.Count(s => !s.Value.Ended.IsCompleted) >= _options.MaxConcurrentStreams)
            {
                await ResetAsync(id, Http2ErrorCode.RefusedStream, ct);
                return;
            }
            lock (_flowLock)
            {
                stream = new Http2Stream(this, id, _peerInitialWindow, _options.InitialWindowSize);
                _streams[id] = stream;
            }
            stream.OnHeaders(fields);
            _incoming.Writer.TryWrite(stream);
        }
        else
        {
            stream.OnHeaders(fields);
        }
        if (_blockEndsStream) stream.OnEnd(new StreamEnd(StreamEndKind.EndStream));
    }

    private async Task OnDataAsync(Http2Frame frame, CancellationToken ct)
    {
        if (frame.StreamId == 0) throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "DATA on stream 0");
        int length = frame.Payload.Length;
        lock (_flowLock)
        {
            _receiveWindow -= length;
            if (_receiveWindow < 0) throw new Http2ConnectionException(Http2ErrorCode.FlowControlError, "DATA past the connection's window");
        }
        // The connection's window is granted back at once: what a stream holds is bounded by its own window.
        if (length > 0)
        {
            lock (_flowLock) _receiveWindow += length;
            await SendFrameAsync(FrameType.WindowUpdate, 0, 0, Http2FrameCodec.UInt32Payload((uint)length), ct);
        }
        if (!_streams.TryGetValue(frame.StreamId, out var stream) || stream.Ended.IsCompleted)
        {
            // RFC 9113 §6.1: DATA on a stream that is not open is a stream error STREAM_CLOSED.
            await ResetAsync(frame.StreamId, Http2ErrorCode.StreamClosed, ct);
            return;
        }
        var content = Http2FrameCodec.Content(frame).ToArray();
        bool overrun;
        lock (_flowLock)
        {
            stream.ReceiveWindow -= length;
            overrun = stream.ReceiveWindow < 0;
        }
        if (overrun)
        {
            await ResetAsync(stream.Id, Http2ErrorCode.FlowControlError, ct);
            stream.OnEnd(new StreamEnd(StreamEndKind.Reset, Http2ErrorCode.FlowControlError, "the peer sent past the stream's window"));
            return;
        }
        stream.OnData(content, length);
        if (frame.Has(FrameFlags.EndStream)) stream.OnEnd(new StreamEnd(StreamEndKind.EndStream));
    }
}
