namespace WebSocketKit.Protocol.Compression;

/// <summary>What an endpoint offers (client) or accepts (server) for permessage-deflate, and how it compresses.</summary>
public sealed record PerMessageDeflateOptions
{
    /// <summary>Whether the server may keep its compression window across messages (false: server_no_context_takeover).</summary>
    public bool AllowServerContextTakeover { get; init; } = true;

    /// <summary>Whether the client may keep its compression window across messages (false: client_no_context_takeover).</summary>
    public bool AllowClientContextTakeover { get; init; } = true;

    /// <summary>Largest window the server compresses with, 8..15 (server_max_window_bits).</summary>
    public int ServerMaxWindowBits { get; init; } = 15;

    /// <summary>Largest window the client compresses with, 8..15 (client_max_window_bits).</summary>
    public int ClientMaxWindowBits { get; init; } = 15;

    /// <summary>
    /// The level connections start at unless told otherwise: 2. gorilla/websocket starts at 1, Go's
    /// fastest level, which still builds a Huffman code per block and falls back to stored blocks.
    /// zlib's (and zlib-ng's) level 1 does neither: it uses only the fixed code, so it sends about
    /// half again as many bytes as level 6 on JSON and expands incompressible data by about 5%.
    /// Level 2 is zlib's fastest level that keeps both, so it is what gorilla's default means here.
    /// </summary>
    public const int DefaultLevel = 2;

    /// <summary>
    /// Compression level 0..9 for outgoing messages (default <see cref="DefaultLevel"/>). On JSON,
    /// level 2 spends about a third of the CPU time of zlib's default level 6 and sends about a fifth
    /// more bytes (measured in bench/results/latest.md); set 6 for what System.Net.WebSockets and
    /// Node ws send, or change it per message with the connection's <c>SetCompressionLevel</c>.
    /// </summary>
    public int Level { get; init; } = DefaultLevel;

    /// <summary>zlib memory level 1..9.</summary>
    public int MemoryLevel { get; init; } = 8;

    /// <summary>Messages shorter than this many bytes are sent uncompressed.</summary>
    public int Threshold { get; init; }

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ServerMaxWindowBits, 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ServerMaxWindowBits, 15);
        ArgumentOutOfRangeException.ThrowIfLessThan(ClientMaxWindowBits, 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ClientMaxWindowBits, 15);
        ArgumentOutOfRangeException.ThrowIfLessThan(Level, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Level, 9);
        ArgumentOutOfRangeException.ThrowIfLessThan(MemoryLevel, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MemoryLevel, 9);
        ArgumentOutOfRangeException.ThrowIfNegative(Threshold);
    }
}
