namespace Autobahn.Engine.Transport;

/// <summary>
/// The byte pipe one case runs over: a TCP connection (WebSocket over HTTP/1.1) or one HTTP/2 stream (RFC 8441).
/// The session only needs to send, receive, end its sending in an orderly way, or tear the pipe down abruptly; what
/// those are on the wire (FIN or END_STREAM, RST or RST_STREAM) is the transport's.
/// Receiving and sending fail only with <see cref="IOException"/>, <see cref="System.Net.Sockets.SocketException"/>,
/// <see cref="ObjectDisposedException"/> or <see cref="OperationCanceledException"/>: the session reads any of them as
/// the pipe being gone.
/// </summary>
public abstract class CaseConnection : IDisposable
{
    /// <summary>Reads what the peer sent; 0 once the peer has ended its sending (TCP FIN, END_STREAM).</summary>
    public abstract ValueTask<int> ReceiveAsync(Memory<byte> buffer);

    public abstract ValueTask SendAsync(ArraySegment<byte> data);

    /// <summary>Sends the segments in order, as one write where the transport can.</summary>
    public abstract ValueTask SendAsync(IList<ArraySegment<byte>> batch);

    /// <summary>Ends our sending: in order (TCP FIN, END_STREAM), or, with <paramref name="abort"/>, abruptly (TCP RST, RST_STREAM).</summary>
    public abstract ValueTask EndSendingAsync(bool abort);

    /// <summary>Whether octets have arrived that have not been read yet (a deadline then waits for them briefly).</summary>
    public abstract bool HasUnread { get; }

    /// <summary>
    /// Why the peer's ending does not count as an orderly end of this pipe, when it does not: over HTTP/2, the peer
    /// closing the whole TCP connection instead of ending the WebSocket's stream. Null when nothing is wrong.
    /// </summary>
    public virtual string? EndedWrongly => null;

    /// <summary>The transport's name in the reports: "http/1.1", "h2c" or "h2".</summary>
    public abstract string Transport { get; }

    public abstract void Dispose();
}
