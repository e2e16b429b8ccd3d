using System.Collections.Concurrent;
using WebSocketKit.Protocol.Compression;

namespace WebSocketKit;

/// <summary>
/// Compression contexts shared by the connections of this process. Without context takeover a
/// context holds nothing between messages, so a connection rents one for a message and gives it
/// back: an idle connection then holds no window and no zlib state (a zlib deflater at window 15
/// and memory level 8 is about 256 KiB of native memory; on the runtime's zlib a pooled deflater
/// has already freed it). Each kind is kept up to a bound; beyond it a returned context is dropped
/// (and its native memory freed).
/// </summary>
internal static class CompressionPool
{
    private const int MaxKeptPerKind = 64;

    private static readonly Bag<Inflater>[] Inflaters = CreateBags<Inflater>(16);
    // Deflaters by window bits (8..15) and memory level (1..9).
    private static readonly Bag<MessageDeflater>[] Deflaters = CreateBags<MessageDeflater>(16 * 10);

    /// <summary>An inflater without context takeover for a window of 2^<paramref name="windowBits"/>.</summary>
    public static Inflater RentInflater(int windowBits)
        => Inflaters[windowBits].TryTake() ?? new Inflater(windowBits, contextTakeover: false);

    /// <summary>Takes back an inflater from <see cref="RentInflater"/>, cleared for the next user.</summary>
    public static void Return(Inflater inflater)
    {
        inflater.Reset();
        Inflaters[inflater.WindowBits].TryAdd(inflater);
    }

    /// <summary>A deflater without context takeover; its level is set by the caller per message.</summary>
    public static MessageDeflater RentDeflater(int windowBits, int memoryLevel)
        => Deflaters[windowBits * 10 + memoryLevel].TryTake() ?? new MessageDeflater(windowBits, contextTakeover: false, memoryLevel: memoryLevel);

    /// <summary>Takes back a deflater from <see cref="RentDeflater"/>; it has already forgotten its last message.</summary>
    public static void Return(MessageDeflater deflater, int memoryLevel)
    {
        if (!Deflaters[deflater.WindowBits * 10 + memoryLevel].TryAdd(deflater)) deflater.Dispose();
    }

    private static Bag<T>[] CreateBags<T>(int n) where T : class
    {
        var bags = new Bag<T>[n];
        for (int i = 0; i < n; i++) bags[i] = new Bag<T>();
        return bags;
    }

    private sealed class Bag<T> where T : class
    {
        private readonly ConcurrentQueue<T> _items = new();
        private int _count;

        public T? TryTake()
        {
            if (!_items.TryDequeue(out var item)) return null;
            Interlocked.Decrement(ref _count);
            return item;
        }

        public bool TryAdd(T item)
        {
            if (Interlocked.Increment(ref _count) > MaxKeptPerKind)
            {
                Interlocked.Decrement(ref _count);
                return false;
            }
            _items.Enqueue(item);
            return true;
        }
    }
}
