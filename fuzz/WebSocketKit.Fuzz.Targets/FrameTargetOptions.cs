using WebSocketKit.Protocol;

namespace WebSocketKit.Fuzz.Targets;

/// <summary>
/// The first byte of a frame-target input: which decoder to build and how to feed it.
/// bit 0: role (0 server, 1 client); bit 1: permessage-deflate negotiated (RSV1 allowed);
/// bits 2-3: the message size limit; bit 4: decode in place (destination is the input memory);
/// bits 5-7: the destination buffer size.
/// </summary>
public readonly record struct FrameTargetOptions(Role Role, bool Rsv1Negotiated, long MaxMessageSize, bool InPlace, int DestinationSize)
{
    private static readonly long[] Limits = [long.MaxValue, 0, 125, 65536];
    private static readonly int[] DestinationSizes = [FuzzTargets.MaxInputBytes, 1, 2, 3, 5, 16, 125, 4096];

    public static FrameTargetOptions FromByte(byte b) => new(
        (b & 1) == 0 ? Role.Server : Role.Client,
        (b & 2) != 0,
        Limits[(b >> 2) & 3],
        (b & 0x10) != 0,
        DestinationSizes[b >> 5]);

    /// <summary>The option byte for seeds; the indexes pick from the tables above.</summary>
    public static byte ToByte(Role role, bool rsv1Negotiated = false, int limitIndex = 0, bool inPlace = false, int destinationIndex = 0)
        => (byte)((role == Role.Client ? 1 : 0) | (rsv1Negotiated ? 2 : 0) | (limitIndex << 2) | (inPlace ? 0x10 : 0) | (destinationIndex << 5));
}
