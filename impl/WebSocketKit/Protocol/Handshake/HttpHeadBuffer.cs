using System.Buffers;

namespace WebSocketKit.Protocol.Handshake;

/// <summary>
/// Collects an HTTP/1.1 head from reads of any size and parses it only when a parse can tell
/// something new, so a peer that trickles its head a byte at a time costs work in proportion to
/// the bytes, not to their square. Each byte is looked at once as it arrives; the strict parser
/// (<see cref="HttpHeadParser"/>) runs when the start line is complete (to refuse a bad one
/// early), when the empty line ending the head arrives, when a line ends in a bare LF, and when a
/// limit of <see cref="HttpParseLimits"/> is reached. Read into <see cref="Free"/>, then
/// <see cref="Commit"/>. Without I/O; the buffer is pooled until <see cref="Dispose"/>.
/// </summary>
public sealed class HttpHeadBuffer : IDisposable
{
    private readonly HttpParseLimits _limits;
    private readonly int _capacity;
    private byte[]? _buffer;
    private int _filled;
    private int _scanned;
    private int _afterStartLine = -1;
    private int _lineEnds;
    private bool _limitParsed;
    private int _consumed;

    /// <summary>Creates a buffer large enough for the largest head <paramref name="limits"/> allow, plus one byte.</summary>
    public HttpHeadBuffer(HttpParseLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        _limits = limits;
        _capacity = limits.MaxHeadBytes + 1;
        _buffer = ArrayPool<byte>.Shared.Rent(_capacity);
    }

    /// <summary>Where the next read goes.</summary>
    public Memory<byte> Free => Buffer.AsMemory(_filled, _capacity - _filled);

    /// <summary>The bytes received after a complete head (the start of a body or of the WebSocket stream).</summary>
    public ReadOnlySpan<byte> After => Buffer.AsSpan(_consumed, _filled - _consumed);

    /// <summary>How many times the full parser ran (for tests that bound the work).</summary>
    internal int FullParses { get; private set; }

    /// <summary>How many bytes were looked at for line ends (for tests that bound the work).</summary>
    internal long BytesScanned { get; private set; }

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(HttpHeadBuffer));

    /// <summary>Records that <paramref name="count"/> bytes were read into <see cref="Free"/>.</summary>
    public void Commit(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _capacity - _filled);
        _filled += count;
    }

    /// <summary>Parses a request head when one may be complete; Incomplete (without parsing) otherwise.</summary>
    public HttpParseStatus ParseRequest(out HttpRequestHead? request, out HttpParseError error)
        => Parse(HttpHeadParser.ParseRequest, out request, out error);

    /// <summary>Parses a response head when one may be complete; Incomplete (without parsing) otherwise.</summary>
    public HttpParseStatus ParseResponse(out HttpResponseHead? response, out HttpParseError error)
        => Parse(HttpHeadParser.ParseResponse, out response, out error);

    private delegate HttpParseStatus HeadParser<T>(ReadOnlySpan<byte> input, HttpParseLimits limits, out T? head, out int consumed, out HttpParseError error);

    private HttpParseStatus Parse<T>(HeadParser<T> parser, out T? head, out HttpParseError error) where T : class
    {
        head = null;
        error = HttpParseError.None;
        while (ScanToNextParse())
        {
            FullParses++;
            var status = parser(Buffer.AsSpan(0, _filled), _limits, out head, out _consumed, out error);
            if (status != HttpParseStatus.Incomplete) return status;
        }
        return HttpParseStatus.Incomplete;
    }

    // Looks at the bytes not seen yet, up to the next one that makes a parse worth running: the
    // first line end, a bare LF, the empty line ending the head, one field too many, or a limit.
    private bool ScanToNextParse()
    {
        var buffer = Buffer;
        int i = _scanned;
        bool due = false;
        while (!due && i < _filled)
        {
            int lf = buffer.AsSpan(i, _filled - i).IndexOf((byte)'\n');
            if (lf < 0)
            {
                i = _filled;
                break;
            }
            i += lf;
            _lineEnds++;
            bool crlf = i > 0 && buffer[i - 1] == (byte)'\r';
            bool emptyLine = crlf && i >= 2 && buffer[i - 2] == (byte)'\n';
            if (_afterStartLine < 0) _afterStartLine = i + 1;
            due = _lineEnds == 1 || !crlf || emptyLine || _lineEnds == _limits.MaxHeaderCount + 2;
            i++;
        }
        BytesScanned += i - _scanned;
        _scanned = i;
        if (due) return true;
        // Limits: the parser refuses once it sees one crossed, so parse when that happens.
        if (_afterStartLine < 0 ? _filled >= _limits.MaxStartLineBytes + 2 : _filled >= _afterStartLine + _limits.MaxHeaderBytes)
            return !_limitParsed && (_limitParsed = true);
        return false;
    }

    /// <summary>Gives the buffer back to the pool.</summary>
    public void Dispose()
    {
        if (_buffer is { } b) ArrayPool<byte>.Shared.Return(b);
        _buffer = null;
    }
}
