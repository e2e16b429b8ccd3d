using System.Buffers;

namespace WebSocketKit.Protocol.Compression;

/// <summary>A compression context that turns messages into permessage-deflate payloads (tail removed), in any chunking.</summary>
internal interface IDeflateEngine : IDisposable
{
    /// <summary>
    /// Compresses <paramref name="input"/> into <paramref name="output"/> (at least 16 bytes). Done: all input taken
    /// and, when <paramref name="final"/>, the message ended. DestinationTooSmall: call again with the rest of the
    /// input, fresh output and the same <paramref name="final"/>. The level applies from the next message on.
    /// </summary>
    OperationStatus Compress(ReadOnlySpan<byte> input, Span<byte> output, bool final, int level, out int consumed, out int written);

    /// <summary>Forgets the window: the next message refers to nothing before it.</summary>
    void Reset();
}
