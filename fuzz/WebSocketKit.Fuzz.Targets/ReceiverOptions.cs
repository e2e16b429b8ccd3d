using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;

namespace WebSocketKit.Fuzz.Targets;

/// <summary>
/// The four leading bytes of a receiver-target input.
/// Byte 0: bit 0 role (0 server: receives masked frames, 1 client), bit 1 permessage-deflate agreed,
/// bit 2 try <see cref="MessageReceiver.TryReceiveWholeMessage"/> before each call between messages,
/// bit 3 receive payload in place (the <see cref="MessageReceiver.DirectPayloadLength"/> path),
/// bits 4-7 the destination size.
/// Byte 1: the agreed parameters, all 256 combinations: bit 0 server_no_context_takeover, bit 1
/// client_no_context_takeover, bits 2-4 server_max_window_bits - 8, bits 5-7 client_max_window_bits - 8.
/// Byte 2: bits 0-2 the read limit, bits 3-5 the limit it is lowered to.
/// Byte 3: lower the limit just before this call to Receive (1-255), 0 never.
/// </summary>
internal readonly record struct ReceiverOptions(Role Role, PerMessageDeflateParameters? Compression, bool FastPath, bool Direct,
    int DestinationSize, long ReadLimit, long LoweredLimit, int LowerAt)
{
    public const int Size = 4;

    private static readonly long[] Limits = [long.MaxValue, 0, 1, 2, 125, 126, 1000, 65536];
    private static readonly int[] DestinationSizes = [FuzzTargets.MaxInputBytes, 1, 2, 3, 5, 7, 16, 100, 125, 126, 1000, 4096, 16384, 16385, 32768, 65535];

    public static ReceiverOptions Read(ReadOnlySpan<byte> b) => new(
        (b[0] & 1) == 0 ? Role.Server : Role.Client,
        (b[0] & 2) == 0 ? null : new PerMessageDeflateParameters((b[1] & 1) != 0, (b[1] & 2) != 0, 8 + ((b[1] >> 2) & 7), 8 + (b[1] >> 5)),
        (b[0] & 4) != 0,
        (b[0] & 8) != 0,
        DestinationSizes[b[0] >> 4],
        Limits[b[2] & 7],
        Limits[(b[2] >> 3) & 7],
        b[3]);

    /// <summary>The options of the reference run: the same receiver fed everything at once, no fast path, no limit change.</summary>
    public ReceiverOptions Whole => this with { FastPath = false, Direct = false, DestinationSize = FuzzTargets.MaxInputBytes, LowerAt = 0 };

    /// <summary>The option bytes for seeds; limits and sizes are indexes into the tables above.</summary>
    public static byte[] Encode(Role role, PerMessageDeflateParameters? compression = null, bool fastPath = false, bool direct = false,
        int destinationIndex = 0, int limitIndex = 0, int loweredIndex = 0, byte lowerAt = 0)
    {
        byte parameters = compression is { } c
            ? (byte)((c.ServerNoContextTakeover ? 1 : 0) | (c.ClientNoContextTakeover ? 2 : 0) | ((c.ServerMaxWindowBits - 8) << 2) | ((c.ClientMaxWindowBits - 8) << 5))
            : (byte)0;
        return
        [
            (byte)((role == Role.Client ? 1 : 0) | (compression is null ? 0 : 2) | (fastPath ? 4 : 0) | (direct ? 8 : 0) | (destinationIndex << 4)),
            parameters,
            (byte)(limitIndex | (loweredIndex << 3)),
            lowerAt,
        ];
    }
}
