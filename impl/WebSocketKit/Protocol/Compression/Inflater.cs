using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static WebSocketKit.Protocol.Compression.HuffmanTable;

namespace WebSocketKit.Protocol.Compression;

/// <summary>
/// Our own raw DEFLATE decoder (RFC 1951) for permessage-deflate payloads (RFC 7692). Sans-IO: feed payload
/// bytes in any chunking with <see cref="Inflate"/>, then end each message with <see cref="FinishMessage"/>,
/// which appends the 00 00 FF FF tail of section 7.2.2. Output goes straight into caller buffers and is
/// capped by <see cref="MaxMessageSize"/> as it is produced; corrupt data gives
/// <see cref="InflateStatus.InvalidData"/>. The window and tables are allocated once per inflater.
/// After a block with BFINAL set the rest of that message is ignored and the next message starts a new stream.
/// </summary>
public sealed class Inflater
{
    private enum State : byte { BlockHeader, StoredHeader, StoredCopy, DynamicHeader, CodeLengthLengths, CodeLengths, Codes, Copy, StreamEnd, Failed }

    private const int LitMask = (1 << LitLenPrimaryBits) - 1, DistMask = (1 << DistPrimaryBits) - 1;

    private readonly byte[] _window;
    private readonly int _windowSize;
    private int _winNext, _winHave;

    private readonly uint[] _litTable = new uint[LitLenTableSize];
    private readonly uint[] _distTable = new uint[DistTableSize];
    private readonly uint[] _codeLenTable = new uint[CodeLenTableSize];
    private readonly byte[] _codeLenLengths = new byte[19];
    private readonly byte[] _lengths = new byte[286 + 30];
    private uint[] _lit = FixedLitLen, _dist = FixedDist;

    private State _state;
    private bool _finalBlock;
    private ulong _bits;      // unread input bits, LSB first; bits above _bitCount are always zero
    private int _bitCount;
    private int _storedLeft, _hlit, _hdist, _hclen, _index;
    private int _copyLen, _copyDist;
    private long _messageBytes;
    private bool _messageHadInput;
    private int _tailFed;
    private InflateStatus _failure;

    /// <param name="windowBits">Negotiated LZ77 window of the sender, 8..15: a distance beyond 2^windowBits is an error.</param>
    /// <param name="contextTakeover">Keep the window across messages (false: reset it after each message).</param>
    /// <param name="maxMessageSize">Most bytes one message may inflate to.</param>
    public Inflater(int windowBits = 15, bool contextTakeover = true, long maxMessageSize = long.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowBits, DeflateConstants.MinWindowBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(windowBits, DeflateConstants.MaxWindowBits);
        ArgumentOutOfRangeException.ThrowIfNegative(maxMessageSize);
        WindowBits = windowBits;
        ContextTakeover = contextTakeover;
        MaxMessageSize = maxMessageSize;
        _windowSize = 1 << windowBits;
        _window = new byte[_windowSize];
    }

    /// <summary>The window the peer may refer back into: 2^WindowBits bytes.</summary>
    public int WindowBits { get; }

    /// <summary>Whether the window survives from one message to the next.</summary>
    public bool ContextTakeover { get; }

    /// <summary>The most bytes one message may inflate to; checked as bytes are produced.</summary>
    public long MaxMessageSize { get; set; }

    /// <summary>Bytes produced so far for the current message.</summary>
    public long MessageBytes => _messageBytes;

    /// <summary>Why the inflater failed (<see cref="ProtocolError.None"/> while it has not).</summary>
    public ProtocolError Error { get; private set; }

    /// <summary>
    /// Inflates payload bytes of the current message. Returns <see cref="InflateStatus.NeedInput"/> once all of
    /// <paramref name="input"/> is consumed, <see cref="InflateStatus.OutputFull"/> when <paramref name="output"/>
    /// is full with more to come, or a failure, after which every call returns the same failure.
    /// </summary>
    public InflateStatus Inflate(ReadOnlySpan<byte> input, Span<byte> output, out int consumed, out int written)
    {
        consumed = written = 0;
        if (_state == State.Failed) return _failure;
        long room = Math.Max(0, MaxMessageSize - _messageBytes); // the limit may have been lowered mid-message
        bool capped = output.Length > room;
        if (capped) output = output[..(int)room];
        var status = Run(input, output, out consumed, out written);
        _messageHadInput |= consumed > 0;
        if (written > 0)
        {
            AppendToWindow(output[..written]);
            _messageBytes += written;
        }
        if (status == InflateStatus.InvalidData) return Fail(InflateStatus.InvalidData, ProtocolError.InvalidCompressedData);
        // Output full only because of the cap means the message has more bytes than the limit allows.
        if (status == InflateStatus.OutputFull && capped) return Fail(InflateStatus.MessageTooBig, ProtocolError.MessageTooBig);
        return status;
    }

    /// <summary>
    /// Ends the current message: inflates the 00 00 FF FF tail and checks the stream stopped at a block
    /// boundary. Call until it returns <see cref="InflateStatus.MessageComplete"/> (it may first return
    /// <see cref="InflateStatus.OutputFull"/>). Then the inflater is ready for the next message, with its window
    /// kept or cleared by the takeover mode.
    /// </summary>
    public InflateStatus FinishMessage(Span<byte> output, out int written)
    {
        written = 0;
        if (_state == State.Failed) return _failure;
        if (!_messageHadInput && _tailFed == 0 && _state == State.BlockHeader && _bitCount == 0)
        {
            // A compressed message with no payload at all: zlib-based peers read it as empty, and so do we.
            EndMessage();
            return InflateStatus.MessageComplete;
        }
        var status = Inflate(PerMessageDeflate.Tail[_tailFed..], output, out int consumed, out written);
        _tailFed += consumed;
        if (status != InflateStatus.NeedInput) return status;
        if (_state == State.StreamEnd || (_state == State.BlockHeader && _bitCount == 0))
        {
            EndMessage();
            return InflateStatus.MessageComplete;
        }
        // The payload stopped inside a block: a truncated message.
        return Fail(InflateStatus.InvalidData, ProtocolError.InvalidCompressedData);
    }

    /// <summary>Forgets everything: window, pending state and any failure.</summary>
    public void Reset()
    {
        _winNext = _winHave = 0;
        _state = State.BlockHeader;
        _finalBlock = false;
        _bits = 0;
        _bitCount = 0;
        _copyLen = 0;
        _messageBytes = 0;
        _messageHadInput = false;
        _tailFed = 0;
        Error = ProtocolError.None;
    }

    private void EndMessage()
    {
        _messageBytes = 0;
        _messageHadInput = false;
        _tailFed = 0;
        _bits = 0;
        _bitCount = 0;
        _state = State.BlockHeader;
        _finalBlock = false;
        if (!ContextTakeover) _winNext = _winHave = 0;
    }

    private InflateStatus Fail(InflateStatus status, ProtocolError error)
    {
        _state = State.Failed;
        _failure = status;
        Error = error;
        return status;
    }

    private void AppendToWindow(ReadOnlySpan<byte> data)
    {
        if (data.Length >= _windowSize)
        {
            data[^_windowSize..].CopyTo(_window);
            _winNext = 0;
            _winHave = _windowSize;
            return;
        }
        int first = Math.Min(data.Length, _windowSize - _winNext);
        data[..first].CopyTo(_window.AsSpan(_winNext));
        data[first..].CopyTo(_window);
        _winNext = (_winNext + data.Length) & (_windowSize - 1);
        _winHave = Math.Min(_windowSize, _winHave + data.Length);
    }

    private bool Need(ReadOnlySpan<byte> input, ref int ip, int n)
    {
        while (_bitCount < n && ip < input.Length)
        {
            _bits |= (ulong)input[ip++] << _bitCount;
            _bitCount += 8;
        }
        return _bitCount >= n;
    }

    private int Take(int n)
    {
        int v = (int)(_bits & ((1UL << n) - 1));
        _bits >>= n;
        _bitCount -= n;
        return v;
    }

    private InflateStatus Run(ReadOnlySpan<byte> input, Span<byte> output, out int consumed, out int written)
    {
        int ip = 0, op = 0;
        InflateStatus result;
        while (true)
        {
            switch (_state)
            {
                case State.BlockHeader:
                    if (_finalBlock)
                    {
                        _state = State.StreamEnd;
                        continue;
                    }
                    if (!Need(input, ref ip, 3)) goto needInput;
                    _finalBlock = Take(1) != 0;
                    switch (Take(2))
                    {
                        case 0: _state = State.StoredHeader; break;
                        case 1: _lit = FixedLitLen; _dist = FixedDist; _state = State.Codes; break;
                        case 2: _state = State.DynamicHeader; break;
                        default: goto invalid;
                    }
                    continue;

                case State.StoredHeader:
                    Take(_bitCount & 7); // skip to the byte boundary
                    if (!Need(input, ref ip, 32)) goto needInput;
                    int len = Take(16), nlen = Take(16);
                    if (len != (~nlen & 0xFFFF)) goto invalid;
                    _storedLeft = len;
                    _state = State.StoredCopy;
                    continue;

                case State.StoredCopy:
                    // Whole bytes already pulled into the bit buffer come first.
                    while (_storedLeft > 0 && _bitCount >= 8)
                    {
                        if (op == output.Length) goto outputFull;
                        output[op++] = (byte)Take(8);
                        _storedLeft--;
                    }
                    if (_storedLeft > 0)
                    {
                        int n = Math.Min(_storedLeft, Math.Min(input.Length - ip, output.Length - op));
                        input.Slice(ip, n).CopyTo(output[op..]);
                        ip += n;
                        op += n;
                        _storedLeft -= n;
                        if (_storedLeft > 0)
                        {
                            if (op == output.Length) goto outputFull;
                            goto needInput;
                        }
                    }
                    _state = State.BlockHeader;
                    continue;

                case State.DynamicHeader:
                    if (!Need(input, ref ip, 14)) goto needInput;
                    _hlit = Take(5) + 257;
                    _hdist = Take(5) + 1;
                    _hclen = Take(4) + 4;
                    if (_hlit > 286 || _hdist > 30) goto invalid;
                    Array.Clear(_codeLenLengths);
                    _index = 0;
                    _state = State.CodeLengthLengths;
                    continue;

                case State.CodeLengthLengths:
                    while (_index < _hclen)
                    {
                        if (!Need(input, ref ip, 3)) goto needInput;
                        _codeLenLengths[DeflateConstants.CodeLengthOrder[_index++]] = (byte)Take(3);
                    }
                    if (!Build(_codeLenLengths, CodeLenSymbols, _codeLenTable, CodeLenPrimaryBits, allowIncomplete: false)) goto invalid;
                    _index = 0;
                    _state = State.CodeLengths;
                    continue;

                case State.CodeLengths:
                {
                    int total = _hlit + _hdist;
                    while (_index < total)
                    {
                        Need(input, ref ip, 16);
                        uint e = _codeLenTable[(int)(_bits & ((1 << CodeLenPrimaryBits) - 1))];
                        int n = (int)(e & 0xFF);
                        if (n > _bitCount) goto needInput;
                        if (((e >> 8) & 15) != KindLiteral) goto invalid;
                        int sym = (int)(e >> 16);
                        if (sym < 16)
                        {
                            Take(n);
                            _lengths[_index++] = (byte)sym;
                            continue;
                        }
                        int extra = sym == 16 ? 2 : sym == 17 ? 3 : 7;
                        if (n + extra > _bitCount) goto needInput;
                        Take(n);
                        int repeat = Take(extra) + (sym == 18 ? 11 : 3);
                        byte value = 0;
                        if (sym == 16)
                        {
                            if (_index == 0) goto invalid;
                            value = _lengths[_index - 1];
                        }
                        if (_index + repeat > total) goto invalid;
                        _lengths.AsSpan(_index, repeat).Fill(value);
                        _index += repeat;
                    }
                    if (_lengths[256] == 0) goto invalid; // a block must be able to end
                    if (!Build(_lengths.AsSpan(0, _hlit), LitLenSymbols, _litTable, LitLenPrimaryBits, allowIncomplete: true)) goto invalid;
                    if (!Build(_lengths.AsSpan(_hlit, _hdist), DistSymbols, _distTable, DistPrimaryBits, allowIncomplete: true)) goto invalid;
                    _lit = _litTable;
                    _dist = _distTable;
                    _state = State.Codes;
                    continue;
                }

                case State.Codes:
                    result = DecodeCodes(input, ref ip, output, ref op);
                    if (result == InflateStatus.MessageComplete) continue; // end of block: _state moved on
                    goto done;

                case State.Copy:
                {
                    int room = output.Length - op;
                    int m = Math.Min(room, _copyLen);
                    CopyMatch(output, op, _copyDist, m);
                    op += m;
                    _copyLen -= m;
                    if (_copyLen > 0) goto outputFull;
                    _state = State.Codes;
                    continue;
                }

                case State.StreamEnd:
                    // Whatever follows a final block in this message is not part of the stream.
                    ip = input.Length;
                    _bits = 0;
                    _bitCount = 0;
                    goto needInput;

                default:
                    result = _failure;
                    goto done;
            }
        }
    needInput:
        result = InflateStatus.NeedInput;
        goto done;
    outputFull:
        result = InflateStatus.OutputFull;
        goto done;
    invalid:
        result = InflateStatus.InvalidData;
    done:
        consumed = ip;
        written = op;
        return result;
    }

    /// <summary>
    /// The hot loop over literal/length and distance codes, on local copies of the bit buffer. Returns
    /// MessageComplete to mean "end of block reached". Table indexes are in range by construction (masked
    /// primary index, sub-table offsets and widths written by <see cref="HuffmanTable.Build"/>), and input
    /// and output positions are checked against their lengths, so the unchecked reads stay inside.
    /// </summary>
    private InflateStatus DecodeCodes(ReadOnlySpan<byte> input, ref int ipRef, Span<byte> output, ref int opRef)
    {
        ulong bits = _bits;
        int nb = _bitCount, ip = ipRef, op = opRef;
        int inLen = input.Length, outLen = output.Length;
        int windowSize = _windowSize, winHave = _winHave;
        ref byte inRef = ref MemoryMarshal.GetReference(input);
        ref byte outRef = ref MemoryMarshal.GetReference(output);
        ref uint lit = ref MemoryMarshal.GetArrayDataReference(_lit);
        ref uint dist = ref MemoryMarshal.GetArrayDataReference(_dist);
        InflateStatus result;
        while (true)
        {
            // Refill to at least 56 bits: enough for a whole literal or length+distance pair (at most 48 bits).
            if (inLen - ip >= 8)
            {
                bits |= Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref inRef, ip)) << nb;
                ip += (63 - nb) >> 3;
                nb |= 56;
                bits &= ulong.MaxValue >> (64 - nb);
            }
            else
            {
                while (nb < 56 && ip < inLen)
                {
                    bits |= (ulong)Unsafe.Add(ref inRef, ip++) << nb;
                    nb += 8;
                }
            }

            uint e = Unsafe.Add(ref lit, (int)bits & LitMask);
            if (((e >> 8) & 15) == KindSubTable)
                e = Unsafe.Add(ref lit, (int)(e >> 16) + ((int)(bits >> LitLenPrimaryBits) & ((1 << (int)((e >> 12) & 15)) - 1)));
            int n = (int)(e & 0xFF);
            if (n > nb) { result = InflateStatus.NeedInput; break; }
            uint kind = (e >> 8) & 15;
            if (kind == KindLiteral)
            {
                if (op >= outLen) { result = InflateStatus.OutputFull; break; }
                Unsafe.Add(ref outRef, op++) = (byte)(e >> 16);
                bits >>= n;
                nb -= n;
                // Literals come in runs: keep decoding them from the bits already held, refilling only when short.
                while (true)
                {
                    e = Unsafe.Add(ref lit, (int)bits & LitMask);
                    int n2 = (int)(e & 0xFF);
                    if ((e & 0xF00) != (KindLiteral << 8) || n2 > nb || op >= outLen) break;
                    Unsafe.Add(ref outRef, op++) = (byte)(e >> 16);
                    bits >>= n2;
                    nb -= n2;
                }
                continue;
            }
            if (kind == KindBase)
            {
                int extra = (int)(e >> 12) & 15;
                int t = n + extra;
                if (t > nb) { result = InflateStatus.NeedInput; break; }
                int length = (int)(e >> 16) + (int)((bits >> n) & ((1UL << extra) - 1));
                ulong db = bits >> t;
                uint de = Unsafe.Add(ref dist, (int)db & DistMask);
                if (((de >> 8) & 15) == KindSubTable)
                    de = Unsafe.Add(ref dist, (int)(de >> 16) + ((int)(db >> DistPrimaryBits) & ((1 << (int)((de >> 12) & 15)) - 1)));
                int dn = (int)(de & 0xFF);
                if (t + dn > nb) { result = InflateStatus.NeedInput; break; }
                if (((de >> 8) & 15) != KindBase) { result = InflateStatus.InvalidData; break; }
                int dextra = (int)(de >> 12) & 15;
                int total = t + dn + dextra;
                if (total > nb) { result = InflateStatus.NeedInput; break; }
                int distance = (int)(de >> 16) + (int)((db >> dn) & ((1UL << dextra) - 1));
                if (distance > windowSize || distance > winHave + op) { result = InflateStatus.InvalidData; break; }
                bits >>= total;
                nb -= total;
                if (distance <= op && distance >= 8 && outLen - op >= length + 8)
                {
                    // Common case: source in this output, no overlap within 8 bytes, room to overshoot.
                    ref byte d = ref Unsafe.Add(ref outRef, op);
                    ref byte src = ref Unsafe.Subtract(ref d, distance);
                    for (int k = 0; k < length; k += 8)
                        Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, k), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref src, k)));
                    op += length;
                    continue;
                }
                int room = outLen - op;
                if (length <= room)
                {
                    CopyMatch(output, op, distance, length);
                    op += length;
                    continue;
                }
                CopyMatch(output, op, distance, room);
                op += room;
                _copyLen = length - room;
                _copyDist = distance;
                _state = State.Copy;
                result = InflateStatus.OutputFull;
                break;
            }
            if (kind == KindEndOfBlock)
            {
                bits >>= n;
                nb -= n;
                _state = State.BlockHeader;
                result = InflateStatus.MessageComplete;
                break;
            }
            result = InflateStatus.InvalidData;
            break;
        }
        _bits = bits;
        _bitCount = nb;
        ipRef = ip;
        opRef = op;
        return result;
    }

    /// <summary>Copies <paramref name="length"/> bytes from <paramref name="distance"/> back, which may reach into the window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CopyMatch(Span<byte> output, int op, int distance, int length)
    {
        if (distance <= op)
        {
            CopyWithin(output, op - distance, op, distance, length);
            return;
        }
        int back = distance - op;
        int start = (_winNext - back) & (_windowSize - 1);
        int fromWindow = Math.Min(length, back);
        int first = Math.Min(fromWindow, _windowSize - start);
        _window.AsSpan(start, first).CopyTo(output[op..]);
        if (fromWindow > first) _window.AsSpan(0, fromWindow - first).CopyTo(output[(op + first)..]);
        if (length > fromWindow) CopyWithin(output, 0, op + fromWindow, distance, length - fromWindow);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyWithin(Span<byte> buffer, int src, int dst, int distance, int length)
    {
        if (distance >= length)
        {
            buffer.Slice(src, length).CopyTo(buffer[dst..]);
        }
        else if (distance == 1)
        {
            buffer.Slice(dst, length).Fill(buffer[src]);
        }
        else
        {
            // Overlapping: the source repeats with period `distance`, so copy it in non-overlapping runs.
            while (length > 0)
            {
                int c = Math.Min(distance, length);
                buffer.Slice(src, c).CopyTo(buffer[dst..]);
                src += c;
                dst += c;
                length -= c;
            }
        }
    }
}
