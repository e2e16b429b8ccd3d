namespace WebSocketKit.Protocol.Compression;

/// <summary>
/// The agreed permessage-deflate parameters (RFC 7692 section 7.1): the window and takeover mode of each
/// direction. The server compresses what the client reads and vice versa.
/// </summary>
public sealed record PerMessageDeflateParameters(
    bool ServerNoContextTakeover,
    bool ClientNoContextTakeover,
    int ServerMaxWindowBits,
    int ClientMaxWindowBits)
{
    /// <summary>
    /// How this endpoint compresses (not negotiated; copied from its <see cref="PerMessageDeflateOptions"/>):
    /// the level a connection starts with, 0..9 (default <see cref="PerMessageDeflateOptions.DefaultLevel"/>;
    /// see <see cref="PerMessageDeflateOptions.Level"/> for the trade).
    /// </summary>
    public int Level { get; init; } = PerMessageDeflateOptions.DefaultLevel;

    /// <summary>zlib memory level 1..9 of this endpoint's compressor.</summary>
    public int MemoryLevel { get; init; } = 8;

    /// <summary>Messages shorter than this many bytes are sent uncompressed.</summary>
    public int Threshold { get; init; }

    /// <summary>Window bits of the messages <paramref name="role"/> sends.</summary>
    public int WriteWindowBits(Role role) => role == Role.Server ? ServerMaxWindowBits : ClientMaxWindowBits;

    /// <summary>Window bits of the messages <paramref name="role"/> receives.</summary>
    public int ReadWindowBits(Role role) => role == Role.Server ? ClientMaxWindowBits : ServerMaxWindowBits;

    /// <summary>Whether <paramref name="role"/> keeps its compression window across the messages it sends.</summary>
    public bool WriteContextTakeover(Role role) => role == Role.Server ? !ServerNoContextTakeover : !ClientNoContextTakeover;

    /// <summary>Whether the peer of <paramref name="role"/> keeps its window, so our inflater must too.</summary>
    public bool ReadContextTakeover(Role role) => role == Role.Server ? !ClientNoContextTakeover : !ServerNoContextTakeover;

    /// <summary>The deflater for messages <paramref name="role"/> sends.</summary>
    public MessageDeflater CreateDeflater(Role role, int level = PerMessageDeflateOptions.DefaultLevel, int memoryLevel = 8) =>
        new(WriteWindowBits(role), WriteContextTakeover(role), level, memoryLevel);

    /// <summary>The inflater for messages <paramref name="role"/> receives.</summary>
    public Inflater CreateInflater(Role role, long maxMessageSize = long.MaxValue) =>
        new(ReadWindowBits(role), ReadContextTakeover(role), maxMessageSize);
}
