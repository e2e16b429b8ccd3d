using System.Buffers;
using System.Numerics;

namespace WebSocketKit.Protocol.Compression;

/// <summary>
/// Our own small DEFLATE compressor, for what zlib cannot do (a 256-byte window, or no libz on the machine):
/// greedy LZ77 over a hash chain that never looks further back than the window, written as fixed-Huffman
/// blocks, or as stored blocks when those would be smaller. Buffers are allocated once per instance.
/// </summary>
internal sealed class FixedHuffmanDeflater : IDeflateEngine
{
    private const int BlockInput = 16384; // fits one stored block (max 65535) when Huffman does not pay
    private const int HashBits = 13;

    private static readonly ushort[] LitCodes = new ushort[288];
    private static readonly byte[] LitBits = new byte[288];
    private static readonly byte[] LengthIndex = new byte[259];

    private readonly int _windowSize;
    private readonly byte[] _buffer;    // history (at least the window) followed by the blocks being compressed
    private readonly int[] _head = new int[1 << HashBits];
    private readonly int[] _prev;
    private int _end;                   // bytes in _buffer
    private int _hashed;                // positions below this are in the hash chains
    private ulong _pendingBits;    // the last partial byte of a message still being written
    private int _pendingCount;

    static FixedHuffmanDeflater()
    {
        // RFC 1951 section 3.2.6, stored bit-reversed because DEFLATE writes Huffman codes MSB first.
        for (int s = 0; s < 288; s++)
        {
            (int code, int bits) = s < 144 ? (0x30 + s, 8) : s < 256 ? (0x190 + s - 144, 9) : s < 280 ? (s - 256, 7) : (0xC0 + s - 280, 8);
            LitCodes[s] = (ushort)Reverse(code, bits);
            LitBits[s] = (byte)bits;
        }
        var bases = DeflateConstants.LengthBase;
        for (int i = 0, len = 3; len <= 258; len++)
        {
            while (i + 1 < bases.Length && bases[i + 1] <= len) i++;
            LengthIndex[len] = (byte)i;
        }
    }

    public FixedHuffmanDeflater(int windowBits)
    {
        _windowSize = 1 << windowBits;
        _buffer = new byte[_windowSize + BlockInput];
        _prev = new int[_buffer.Length];
        Array.Fill(_head, -1);
    }

    public OperationStatus Compress(ReadOnlySpan<byte> input, Span<byte> output, bool final, int level, out int consumed, out int written)
    {
        var w = new BitWriter(output, _pendingBits, _pendingCount);
        consumed = 0;
        while (consumed < input.Length)
        {
            // Size the block so even its worst case fits: at most 9 bits per byte, plus header, end code and pad.
            int n = Math.Min(Math.Min(input.Length - consumed, BlockInput), (output.Length - w.Position - 8) * 8 / 9);
            if (n <= 0) break;
            if (_end + n > _buffer.Length) Slide();
            input.Slice(consumed, n).CopyTo(_buffer.AsSpan(_end));
            int start = _end;
            _end += n;
            WriteBlock(ref w, start, _end, level);
            consumed += n;
        }
        bool done = consumed == input.Length;
        if (done && final)
        {
            if (output.Length - w.Position >= 2)
            {
                // The sync flush: an empty stored block, whose LEN/NLEN (00 00 FF FF) is the tail we leave out.
                w.Write(0, 3);
                w.AlignToByte();
            }
            else done = false;
        }
        (_pendingBits, _pendingCount) = w.Pending;
        written = w.Position;
        return done ? OperationStatus.Done : OperationStatus.DestinationTooSmall;
    }

    public void Reset()
    {
        _end = 0;
        _hashed = 0;
        Array.Fill(_head, -1);
        _pendingBits = 0;
        _pendingCount = 0;
    }

    public void Dispose() { }

    /// <summary>Moves the last window of history to the front; the hash chains are rebuilt lazily from there.</summary>
    private void Slide()
    {
        int keep = Math.Min(_windowSize, _end);
        _buffer.AsSpan(_end - keep, keep).CopyTo(_buffer);
        _end = keep;
        _hashed = 0;
        Array.Fill(_head, -1);
    }

    private void WriteBlock(ref BitWriter w, int start, int end, int level)
    {
        var mark = w;
        if (level > 0 && WriteFixedBlock(ref w, start, end, MaxChain(level)) <= 3 + 7 + 32 + 8L * (end - start))
            return;
        w = mark; // Huffman coding did not pay: rewrite the block as stored bytes
        w.Write(0, 3);
        w.AlignToByte();
        int n = end - start;
        w.Write((uint)n, 16);
        w.Write((uint)(~n & 0xFFFF), 16);
        w.WriteBytes(_buffer.AsSpan(start, n));
    }

    private static int MaxChain(int level) => level switch { <= 2 => 4, <= 4 => 16, <= 6 => 64, _ => 256 };

    private long WriteFixedBlock(ref BitWriter w, int start, int end, int maxChain)
    {
        long before = w.BitsWritten;
        w.Write(1 << 1, 3); // BFINAL 0, BTYPE 01
        int i = start;
        while (i < end)
        {
            int bestLen = 0, bestDist = 0;
            if (end - i >= 3)
            {
                while (_hashed < i) Insert(_hashed++); // every earlier position, including the history's
                int maxLen = Math.Min(DeflateConstants.MaxMatch, end - i);
                int limit = i - _windowSize; // never refer further back than the negotiated window
                var target = _buffer.AsSpan(i, maxLen);
                int chain = maxChain;
                for (int cand = _head[Hash(i)]; cand >= 0 && cand >= limit && chain-- > 0; cand = _prev[cand])
                {
                    int l = _buffer.AsSpan(cand, maxLen).CommonPrefixLength(target);
                    if (l > bestLen)
                    {
                        bestLen = l;
                        bestDist = i - cand;
                        if (l == maxLen) break;
                    }
                }
            }
            if (bestLen >= 3)
            {
                WriteMatch(ref w, bestLen, bestDist);
                i += bestLen;
            }
            else
            {
                w.Write(LitCodes[_buffer[i]], LitBits[_buffer[i]]);
                i++;
            }
        }
        w.Write(LitCodes[256], LitBits[256]);
        return w.BitsWritten - before;
    }

    private void WriteMatch(ref BitWriter w, int length, int distance)
    {
        int li = LengthIndex[length];
        w.Write(LitCodes[257 + li], LitBits[257 + li]);
        w.Write((uint)(length - DeflateConstants.LengthBase[li]), DeflateConstants.LengthExtra[li]);
        int d = distance - 1;
        int ds = d < 4 ? d : 2 * BitOperations.Log2((uint)d) + ((d >> (BitOperations.Log2((uint)d) - 1)) & 1);
        w.Write((uint)Reverse(ds, 5), 5);
        w.Write((uint)(distance - DeflateConstants.DistBase[ds]), DeflateConstants.DistExtra[ds]);
    }

    private int Hash(int p) => (int)((uint)((_buffer[p] << 16) | (_buffer[p + 1] << 8) | _buffer[p + 2]) * 2654435761u >> (32 - HashBits));

    private void Insert(int p)
    {
        int h = Hash(p);
        _prev[p] = _head[h];
        _head[h] = p;
    }

    private static int Reverse(int code, int bits)
    {
        int r = 0;
        for (int i = 0; i < bits; i++, code >>= 1) r = (r << 1) | (code & 1);
        return r;
    }

    /// <summary>Writes bits LSB first into a span; copying the struct saves a position to rewind to.</summary>
    private ref struct BitWriter(Span<byte> output, ulong bits, int count)
    {
        private readonly Span<byte> _out = output;
        private ulong _bits = bits;
        private int _count = count;

        public readonly (ulong Bits, int Count) Pending => (_bits, _count);

        public int Position { get; private set; }

        public readonly long BitsWritten => Position * 8L + _count;

        public void Write(uint value, int n)
        {
            _bits |= (ulong)value << _count;
            _count += n;
            while (_count >= 8)
            {
                _out[Position++] = (byte)_bits;
                _bits >>= 8;
                _count -= 8;
            }
        }

        public void AlignToByte()
        {
            if (_count > 0) Write(0, 8 - _count);
        }

        public void WriteBytes(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_out[Position..]);
            Position += bytes.Length;
        }
    }
}
