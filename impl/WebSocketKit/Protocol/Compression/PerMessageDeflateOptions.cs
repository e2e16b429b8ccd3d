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

    /// <summary>Compression level 0..9 for outgoing messages.</summary>
    public int Level { get; init; } = 6;

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
