using System.Collections.Concurrent;

namespace Autobahn.Engine.Wire;

/// <summary>
/// One message of a fixed sequence: the same <paramref name="Name"/> always stands for the same <paramref name="Count"/>
/// messages in the same order (e.g. chapter 12's slices of one payload, whatever the frame size the case cuts them into).
/// </summary>
public sealed record MessageSequence(string Name, int Index, int Count);

/// <summary>
/// What a compressor produced for a whole <see cref="MessageSequence"/>, kept for the next case that sends the same
/// sequence under the same parameters. Deflate is deterministic, so replaying the recording puts exactly the octets
/// on the wire that compressing again would: chapters 12 and 13 send each payload in up to five frame sizes, and the
/// compression, not the framing, is what costs.
/// </summary>
public static class CompressionRecordings
{
    /// <summary>Recordings kept at most (octets); the oldest go first. Cases that share a sequence run close together (largest first).</summary>
    private const long Budget = 256L << 20;

    private static readonly ConcurrentDictionary<string, byte[][]> Complete = new();
    private static readonly ConcurrentQueue<(string Key, long Size)> Order = new();
    private static long _size;

    public static bool TryGet(string key, int count, out byte[][] outputs) =>
        Complete.TryGetValue(key, out outputs!) && outputs.Length == count;

    public static void Add(string key, byte[][] outputs)
    {
        long size = outputs.Sum(o => (long)o.Length);
        if (size > Budget || !Complete.TryAdd(key, outputs)) return;
        Order.Enqueue((key, size));
        Interlocked.Add(ref _size, size);
        while (Interlocked.Read(ref _size) > Budget && Order.TryDequeue(out var oldest))
        {
            Complete.TryRemove(oldest.Key, out _);
            Interlocked.Add(ref _size, -oldest.Size);
        }
    }
}
