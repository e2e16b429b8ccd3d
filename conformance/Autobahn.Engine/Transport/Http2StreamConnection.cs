namespace Autobahn.Engine.Transport;

/// <summary>
/// What both sides of a WebSocket over HTTP/2 share: the stream is a .NET Stream, and a write goes out only when
/// flushed, so each send (one batch) is written and then flushed as a whole, into as few DATA frames as flow control allows.
/// </summary>
public abstract class Http2StreamConnection(Stream stream) : CaseConnection
{
    protected Stream Stream { get; } = stream;

    public override async ValueTask SendAsync(ArraySegment<byte> data)
    {
        await Stream.WriteAsync(data).ConfigureAwait(false);
        await Stream.FlushAsync().ConfigureAwait(false);
    }

    public override async ValueTask SendAsync(IList<ArraySegment<byte>> batch)
    {
        foreach (var segment in batch) await Stream.WriteAsync(segment).ConfigureAwait(false);
        await Stream.FlushAsync().ConfigureAwait(false);
    }
}
