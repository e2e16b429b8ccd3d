using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;

namespace WebSocketKit.Fuzz.Targets;

/// <summary>
/// The three leading bytes of a conn-deflate input.
/// Byte 0: bit 0 role (0 server: the peer's frames are masked, 1 client), bits 1-2 the read limit,
/// bits 3-4 the read buffer size, bits 5-6 how messages are read (whole, into a buffer writer, or
/// <see cref="Conn.NextReaderAsync"/> streams), bit 7 echo each message back.
/// Byte 1: the agreed permessage-deflate parameters, all 256 combinations (as the receiver target):
/// bit 0 server_no_context_takeover, bit 1 client_no_context_takeover, bits 2-4
/// server_max_window_bits - 8, bits 5-7 client_max_window_bits - 8.
/// Byte 2: bits 0-1 the stream read size and the echo's write size, bits 2-3 the compression
/// threshold, bit 4 echo through <see cref="Conn.NextWriter"/> instead of
/// <see cref="Conn.WriteMessageAsync"/>, bits 5-7 our compression level (0-7).
/// </summary>
internal readonly record struct ConnDeflateOptions(Role Role, long ReadLimit, int ReadBufferSize, ConnReadMode ReadMode, bool Echo,
    PerMessageDeflateParameters Compression, int ChunkSize, bool StreamedEcho)
{
    public const int Size = 3;

    // Bounded: a deflate bomb in a 64 KiB input stays a fast run (the conn target covers the default limit).
    private static readonly long[] ReadLimits = [1 << 20, 125, 1000, 65536];
    private static readonly int[] ReadBufferSizes = [4096, 128, 131, 1024];
    private static readonly int[] ChunkSizes = [4096, 1, 7, 1500];
    private static readonly int[] Thresholds = [0, 1, 16, 200];

    public static ConnDeflateOptions Read(ReadOnlySpan<byte> b) => new(
        (b[0] & 1) == 0 ? Role.Server : Role.Client,
        ReadLimits[(b[0] >> 1) & 3],
        ReadBufferSizes[(b[0] >> 3) & 3],
        (ConnReadMode)Math.Min((b[0] >> 5) & 3, 2),
        (b[0] & 0x80) != 0,
        new PerMessageDeflateParameters((b[1] & 1) != 0, (b[1] & 2) != 0, 8 + ((b[1] >> 2) & 7), 8 + (b[1] >> 5))
        {
            Threshold = Thresholds[(b[2] >> 2) & 3],
            Level = b[2] >> 5,
        },
        ChunkSizes[b[2] & 3],
        (b[2] & 0x10) != 0);

    /// <summary>The option bytes for seeds; limits, sizes and thresholds are indexes into the tables above.</summary>
    public static byte[] Encode(Role role, PerMessageDeflateParameters c, ConnReadMode readMode = ConnReadMode.Whole, bool echo = false,
        int limitIndex = 0, int bufferIndex = 0, int chunkIndex = 0, int thresholdIndex = 0, bool streamedEcho = false, int level = 6) =>
    [
        (byte)((role == Role.Client ? 1 : 0) | (limitIndex << 1) | (bufferIndex << 3) | ((int)readMode << 5) | (echo ? 0x80 : 0)),
        (byte)((c.ServerNoContextTakeover ? 1 : 0) | (c.ClientNoContextTakeover ? 2 : 0) | ((c.ServerMaxWindowBits - 8) << 2) | ((c.ClientMaxWindowBits - 8) << 5)),
        (byte)(chunkIndex | (thresholdIndex << 2) | (streamedEcho ? 0x10 : 0) | (level << 5)),
    ];
}

/// <summary>How the conn-deflate target reads messages from its <see cref="Conn"/>.</summary>
internal enum ConnReadMode { Whole, BufferWriter, Streamed }
