using System.Threading.Channels;
using Autobahn.Engine.Http2.Hpack;

namespace Autobahn.Engine.Http2;

/// <summary>How the peer's side of a stream ended.</summary>
public enum StreamEndKind
{
    /// <summary>A frame with END_STREAM: the orderly end (for a WebSocket, RFC 8441 §5's equivalent of TCP FIN).</summary>
    EndStream,
    /// <summary>RST_STREAM from the peer (the equivalent of a TCP reset).</summary>
    Reset,
    /// <summary>The whole connection ended (TCP closed, or a connection error) before the stream did.</summary>
    ConnectionLost,
}

public sealed record StreamEnd(StreamEndKind Kind, Http2ErrorCode? Code = null, string? Detail = null)
{
    public override string ToString() => Kind switch
    {
        StreamEndKind.EndStream => "END_STREAM",
        StreamEndKind.Reset => $"RST_STREAM {Code}",
        _ => $"connection lost ({Detail})",
    };
}

/// <summary>
/// One stream of an <see cref="Http2Connection"/> as this side sees it: the peer's header blocks, its DATA (held
/// until read, bounded by the receive window we granted) and how its side ended.
/// </summary>
public sealed class Http2Stream
{
    private readonly Http2Connection _connection;
    private readonly TaskCompletionSource<IReadOnlyList<HeaderField>?> _headers = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<StreamEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Http2ErrorCode> _reset = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<(byte[] Content, int FlowLength)> _data = Channel.CreateUnbounded<(byte[], int)>();
    private readonly List<IReadOnlyList<HeaderField>> _laterBlocks = [];

    internal Http2Stream(Http2Connection connection, int id, long sendWindow, int receiveWindow)
    {
        _connection = connection;
        Id = id;
        SendWindow = sendWindow;
        ReceiveWindow = receiveWindow;
    }

    public int Id { get; }

    /// <summary>The peer's first header block (the response, or on the server side the request); null if the stream ended without one.</summary>
    public Task<IReadOnlyList<HeaderField>?> Headers => _headers.Task;

    /// <summary>Completes when the peer's side ends: END_STREAM, RST_STREAM, or the connection's end.</summary>
    public Task<StreamEnd> Ended => _ended.Task;

    /// <summary>Completes with the code of the first RST_STREAM the peer sends, even one after END_STREAM.</summary>
    public Task<Http2ErrorCode> ResetByPeer => _reset.Task;

    /// <summary>Header blocks after the first (trailers, or further 1xx responses).</summary>
    public IReadOnlyList<IReadOnlyList<HeaderField>> LaterHeaderBlocks { get { lock (_laterBlocks) return [.. _laterBlocks]; } }

    /// <summary>What we may still send on this stream (RFC 9113 §6.9); guarded by the connection's flow lock.</summary>
    internal long SendWindow { get; set; }
    /// <summary>What the peer may still send before we grant more.</summary>
    internal long ReceiveWindow { get; set; }
    internal bool LocalEnded { get; set; }

    /// <summary>The next DATA content, in order; null once the peer's side has ended and everything sent before is read.
    /// Reading grants the peer the window back (WINDOW_UPDATE), as the data is consumed.</summary>
    public async ValueTask<byte[]?> ReadAsync(CancellationToken ct)
    {
        while (await _data.Reader.WaitToReadAsync(ct))
        {
            if (_data.Reader.TryRead(out var item))
            {
                if (item.FlowLength > 0 && !_ended.Task.IsCompleted) await _connection.GrantStreamWindowAsync(this, item.FlowLength, ct);
                return item.Content;
            }
        }
        return null;
    }

    internal void OnHeaders(IReadOnlyList<HeaderField> fields)
    {
        if (!_headers.TrySetResult(fields))
        {
            lock (_laterBlocks) _laterBlocks.Add(fields);
        }
    }

    internal void OnData(byte[] content, int flowLength) => _data.Writer.TryWrite((content, flowLength));

    internal void OnPeerReset(Http2ErrorCode code)
    {
        _reset.TrySetResult(code);
        OnEnd(new StreamEnd(StreamEndKind.Reset, code));
    }

    internal void OnEnd(StreamEnd end)
    {
        if (_ended.TrySetResult(end))
        {
            _headers.TrySetResult(null);
            _data.Writer.TryComplete();
        }
    }
}
