namespace WebSocketKit.Protocol.Compression;

/// <summary>A compression context that turns one message into a permessage-deflate payload (tail removed).</summary>
internal interface IDeflateEngine : IDisposable
{
    /// <summary>Compresses the whole message into <paramref name="output"/> and returns the bytes written.</summary>
    int Compress(ReadOnlySpan<byte> message, Span<byte> output, int level);

    /// <summary>Forgets the window: the next message refers to nothing before it.</summary>
    void Reset();
}
