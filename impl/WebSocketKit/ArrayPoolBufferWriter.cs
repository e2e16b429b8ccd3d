using System.Buffers;

namespace WebSocketKit;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over arrays rented from <see cref="ArrayPool{T}.Shared"/>, for
/// reading messages without allocating: pass it to
/// <see cref="Conn.ReadMessageAsync(IBufferWriter{byte}, CancellationToken)"/>, use
/// <see cref="WrittenMemory"/>, then <see cref="Clear"/> to give the array back before the next
/// message, so an idle connection holds no read-message memory. Arrays larger than 4 MiB are not
/// pooled: they go back to the GC when cleared. Used by the connection's read, it grows no further
/// than the read limit allows.
/// </summary>
public sealed class ArrayPoolBufferWriter : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer = [];
    private bool _pooled;
    private int _written;

    /// <summary>The bytes written so far.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    /// <summary>How many bytes were written.</summary>
    public int WrittenCount => _written;

    // The size of the array held now (for tests of what a message costs).
    internal int Capacity => _buffer.Length;

    /// <inheritdoc/>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > _buffer.Length - _written) throw new InvalidOperationException("Advanced past the end of the buffer.");
        _written += count;
    }

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Forgets the written bytes and returns the array to the pool.</summary>
    public void Clear()
    {
        var old = _buffer;
        bool pooled = _pooled;
        _buffer = [];
        _pooled = false;
        _written = 0;
        Release(old, pooled);
    }

    /// <summary>Same as <see cref="Clear"/>.</summary>
    public void Dispose() => Clear();

    // Arrays up to this size come from the shared pool. Larger ones are allocated and left to the
    // GC when done: the pool would keep them (one refused 32 MiB message would pin 64 MiB for good).
    internal const int LargestPooled = 4 << 20;

    // As GetMemory, but the buffer grows (by doubling) to at most maxCapacity bytes, unless the
    // hint itself needs more: the connection knows how much more a message may bring.
    internal Memory<byte> GetMemory(int sizeHint, long maxCapacity)
    {
        Ensure(sizeHint, maxCapacity);
        return _buffer.AsMemory(_written);
    }

    private void Ensure(int sizeHint, long maxCapacity = int.MaxValue)
    {
        int need = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= need) return;
        long doubled = Math.Max(256, (long)_buffer.Length * 2);
        long size = Math.Min(Math.Max((long)_written + need, Math.Min(doubled, maxCapacity)), Array.MaxLength);
        // The pool rounds up to a power of two; a size the limit cut short, or a large one, is allocated exactly.
        bool pooled = size <= LargestPooled && size == Math.Max((long)_written + need, doubled);
        var bigger = pooled ? ArrayPool<byte>.Shared.Rent((int)size) : GC.AllocateUninitializedArray<byte>((int)size);
        _buffer.AsSpan(0, _written).CopyTo(bigger);
        Release(_buffer, _pooled);
        _buffer = bigger;
        _pooled = pooled;
    }

    private static void Release(byte[] buffer, bool pooled)
    {
        if (pooled) ArrayPool<byte>.Shared.Return(buffer);
    }
}
