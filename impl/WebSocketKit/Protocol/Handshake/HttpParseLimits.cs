namespace WebSocketKit.Protocol.Handshake;

/// <summary>
/// Bounds on an HTTP message head, so that a peer cannot make the parser hold or scan unbounded
/// input. A head that crosses one is rejected as soon as the crossing is visible.
/// </summary>
/// <param name="MaxStartLineBytes">Longest request or status line, without its CRLF.</param>
/// <param name="MaxHeaderCount">Most header fields.</param>
/// <param name="MaxHeaderBytes">Most bytes in the header section, CRLFs and the final empty line included.</param>
public sealed record HttpParseLimits(int MaxStartLineBytes = 8192, int MaxHeaderCount = 100, int MaxHeaderBytes = 16384)
{
    /// <summary>8 KiB request line, 100 fields, 16 KiB of header section.</summary>
    public static HttpParseLimits Default { get; } = new();

    /// <summary>The most bytes a whole head can take: what a reader must be ready to buffer.</summary>
    public int MaxHeadBytes => MaxStartLineBytes + 2 + MaxHeaderBytes;
}
