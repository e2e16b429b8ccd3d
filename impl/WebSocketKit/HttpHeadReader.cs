using System.Buffers;
using WebSocketKit.Protocol.Handshake;

namespace WebSocketKit;

/// <summary>
/// Reads one HTTP/1.1 response head from a stream with the Sans-IO parser, and the bounded start
/// of a body. Shared by the Dialer's handshake and its proxy CONNECT.
/// </summary>
internal sealed class HttpHeadReader : IDisposable
{
    private readonly byte[] _buffer;
    private readonly HttpParseLimits _limits;
    private int _filled;

    public HttpHeadReader(HttpParseLimits limits)
    {
        _limits = limits;
        _buffer = ArrayPool<byte>.Shared.Rent(limits.MaxHeadBytes + 1);
    }

    /// <summary>Bytes received after the head (the start of the body, or of the WebSocket stream).</summary>
    public ReadOnlySpan<byte> After => _buffer.AsSpan(Consumed, _filled - Consumed);

    private int Consumed { get; set; }

    /// <summary>Reads until a whole response head has arrived; throws <see cref="BadHandshakeException"/> on garbage.</summary>
    public async ValueTask<HttpResponseHead> ReadHeadAsync(Stream stream, bool fromProxy, CancellationToken token)
    {
        int window = Math.Min(_buffer.Length, _limits.MaxHeadBytes + 1);
        while (true)
        {
            var status = HttpHeadParser.ParseResponse(_buffer.AsSpan(0, _filled), _limits, out var head, out int consumed, out var error);
            if (status == HttpParseStatus.Complete)
            {
                Consumed = consumed;
                return head!;
            }
            if (status == HttpParseStatus.Invalid)
                throw new BadHandshakeException(0, "the response is not valid HTTP/1.1: " + HttpParseErrors.Describe(error), fromProxy: fromProxy);
            int n = await stream.ReadAsync(_buffer.AsMemory(_filled, window - _filled), token).ConfigureAwait(false);
            if (n == 0)
                throw new BadHandshakeException(0, "the connection closed before a complete response head arrived", fromProxy: fromProxy);
            _filled += n;
        }
    }

    /// <summary>
    /// The start of a refusal's body: what Content-Length announces, or what arrives until the
    /// server closes, capped at <paramref name="max"/> bytes. Chunked bodies are returned as
    /// received, undecoded. Never waits past <paramref name="token"/>; a body cut short by it is
    /// returned as far as it came, since the refusal itself is what matters.
    /// </summary>
    public async ValueTask<byte[]> ReadBodyAsync(Stream stream, HttpResponseHead head, int max, CancellationToken token)
    {
        var body = new MemoryStream();
        body.Write(After[..Math.Min(After.Length, max)]);
        long want = max;
        if (head.Headers.Get("Content-Length") is { } cl && long.TryParse(cl.Trim(), out long length) && length >= 0)
            want = Math.Min(length, max);
        else if (head.Headers.ContainsToken("Transfer-Encoding", "chunked"))
            want = body.Length;
        var scratch = new byte[4096];
        try
        {
            while (body.Length < want)
            {
                int n = await stream.ReadAsync(scratch.AsMemory(0, (int)Math.Min(scratch.Length, want - body.Length)), token).ConfigureAwait(false);
                if (n == 0) break;
                body.Write(scratch, 0, n);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException) { }
        return body.ToArray();
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
}
