using WebSocketKit.Protocol.Handshake;

namespace WebSocketKit;

/// <summary>
/// Reads one HTTP/1.1 response head from a stream with the Sans-IO parser, and the bounded start
/// of a body. Shared by the Dialer's handshake and its proxy CONNECT.
/// </summary>
internal sealed class HttpHeadReader : IDisposable
{
    private readonly HttpHeadBuffer _head;

    public HttpHeadReader(HttpParseLimits limits) => _head = new HttpHeadBuffer(limits);

    /// <summary>Bytes received after the head (the start of the body, or of the WebSocket stream).</summary>
    public ReadOnlySpan<byte> After => _head.After;

    /// <summary>Reads until a whole response head has arrived; throws <see cref="BadHandshakeException"/> on garbage.</summary>
    public async ValueTask<HttpResponseHead> ReadHeadAsync(Stream stream, bool fromProxy, CancellationToken token)
    {
        while (true)
        {
            var status = _head.ParseResponse(out var head, out var error);
            if (status == HttpParseStatus.Complete) return head!;
            if (status == HttpParseStatus.Invalid)
                throw new BadHandshakeException(0, "the response is not valid HTTP/1.1: " + HttpParseErrors.Describe(error), fromProxy: fromProxy);
            int n = await stream.ReadAsync(_head.Free, token).ConfigureAwait(false);
            if (n == 0)
                throw new BadHandshakeException(0, "the connection closed before a complete response head arrived", fromProxy: fromProxy);
            _head.Commit(n);
        }
    }

    /// <summary>
    /// The start of a refusal's body, at most <paramref name="max"/> bytes: what Content-Length
    /// announces, the decoded chunks of a chunked body, or what arrives until the server closes.
    /// Never waits past <paramref name="token"/>; a body cut short (by it, by the cap, or by a
    /// malformed chunk) is returned as far as it came, since the refusal itself is what matters.
    /// </summary>
    public async ValueTask<byte[]> ReadBodyAsync(Stream stream, HttpResponseHead head, int max, CancellationToken token)
    {
        var source = new BodySource(stream, After.ToArray(), token);
        var body = new MemoryStream();
        try
        {
            if (head.Headers.ContainsToken("Transfer-Encoding", "chunked"))
            {
                while (body.Length < max)
                {
                    // chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF (RFC 7230 section 4.1)
                    var line = await source.ReadLineAsync().ConfigureAwait(false);
                    int semicolon = line.IndexOf(';');
                    if (!int.TryParse(semicolon < 0 ? line : line[..semicolon], System.Globalization.NumberStyles.AllowHexSpecifier, null, out int size) || size <= 0)
                        break;
                    await source.CopyAsync(body, Math.Min(size, max - (int)body.Length)).ConfigureAwait(false);
                    if (body.Length >= max) break;
                    await source.ReadLineAsync().ConfigureAwait(false);
                }
            }
            else
            {
                long want = max;
                if (head.Headers.Get("Content-Length") is { } cl && long.TryParse(cl.Trim(), out long length) && length >= 0)
                    want = Math.Min(length, max);
                await source.CopyAsync(body, (int)want).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidDataException) { }
        return body.ToArray();
    }

    public void Dispose() => _head.Dispose();

    // Bytes of a body: first those already received after the head, then the stream's.
    private sealed class BodySource(Stream stream, byte[] pending, CancellationToken token)
    {
        private byte[] _pending = pending;
        private int _pos;

        private async ValueTask<bool> FillAsync()
        {
            if (_pos < _pending.Length) return true;
            var chunk = new byte[4096];
            int n = await stream.ReadAsync(chunk, token).ConfigureAwait(false);
            if (n == 0) return false;
            _pending = chunk[..n];
            _pos = 0;
            return true;
        }

        /// <summary>Copies up to <paramref name="count"/> bytes (fewer if the stream ends).</summary>
        public async ValueTask CopyAsync(Stream destination, int count)
        {
            while (count > 0 && await FillAsync().ConfigureAwait(false))
            {
                int n = Math.Min(count, _pending.Length - _pos);
                destination.Write(_pending, _pos, n);
                _pos += n;
                count -= n;
            }
        }

        /// <summary>One line without its CRLF; bounded, since only chunk-size lines are read.</summary>
        public async ValueTask<string> ReadLineAsync()
        {
            var line = new System.Text.StringBuilder();
            while (line.Length < 1024)
            {
                if (!await FillAsync().ConfigureAwait(false)) throw new EndOfStreamException();
                char c = (char)_pending[_pos++];
                if (c == '\n') return line.ToString().TrimEnd('\r');
                line.Append(c);
            }
            throw new InvalidDataException("chunk line too long");
        }
    }
}
