using System.Numerics;

namespace WebSocketKit.Protocol.Compression;

/// <summary>
/// Our own small DEFLATE compressor, for what zlib cannot do (a 256-byte window, or no libz on the machine):
/// greedy LZ77 over a hash chain that never looks further back than the window, written as fixed-Huffman
/// blocks, or as stored blocks when those would be smaller. Buffers are allocated once per instance.
/// </summary>
internal sealed class FixedHuffmanDeflater : IDeflateEngine
{
    private const int BlockInput = 65535; // one stored block can hold a whole block if Huffman does not pay
    private const int HashBits = 13;

    private static readonly ushort[] LitCodes = new ushort[288];
    private static readonly byte[] LitBits = new byte[288];
    private static readonly byte[] LengthIndex = new byte[259];

    private readonly int _windowSize;
    private readonly byte[] _buffer;    // the kept history, then the block being compressed
    private readonly int[] _head = new int[1 << HashBits];
    private readonly int[] _prev;
    private int _historyLength;

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
    }

    public int Compress(ReadOnlySpan<byte> message, Span<byte> output, int level)
    {
        var w = new BitWriter(output);
        while (!message.IsEmpty)
        {
            int n = Math.Min(message.Length, BlockInput);
            message[..n].CopyTo(_buffer.AsSpan(_historyLength));
            WriteBlock(ref w, _historyLength, _historyLength + n, level);
            KeepHistory(_historyLength + n);
            message = message[n..];
        }
        // The sync flush: an empty stored block, whose LEN/NLEN (00 00 FF FF) is the tail we leave out.
        w.Write(0, 3);
        w.AlignToByte();
        return w.Position;
    }

    public void Reset() => _historyLength = 0;

    public void Dispose() { }

    private void KeepHistory(int end)
    {
        int keep = Math.Min(_windowSize, end);
        _buffer.AsSpan(end - keep, keep).CopyTo(_buffer);
        _historyLength = keep;
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
        Array.Fill(_head, -1);
        for (int p = 0; p + 2 < start; p++) Insert(p);
        int i = start;
        while (i < end)
        {
            int bestLen = 0, bestDist = 0;
            if (end - i >= 3)
            {
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
                for (int k = 0; k < bestLen; k++)
                    if (i + k + 2 < end) Insert(i + k);
                i += bestLen;
            }
            else
            {
                if (end - i >= 3) Insert(i);
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
    private ref struct BitWriter(Span<byte> output)
    {
        private readonly Span<byte> _out = output;
        private ulong _bits;
        private int _count;

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
