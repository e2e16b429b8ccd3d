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
/// Decoding runs in a fast loop with no per-symbol bound checks while enough input and output room are
/// left (see DecodeFast), and in a careful loop near the ends of the spans; both check every distance.
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
        _window = new byte[_windowSize + MatchCopy.Overshoot]; // slack for the fast loop's wide reads
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
    /// is full with more to come, or a failure, after which every call returns the same failure. Bytes of
    /// <paramref name="output"/> past <paramref name="written"/> may be overwritten: matches are copied in
    /// whole vectors where the span has room (as zlib-ng does), and those bytes are rewritten by later output.
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
                    int read = ReadCodeLengths(input, ref ip);
                    if (read < 0) goto invalid;
                    if (read == 0) goto needInput;
                    if (_lengths[256] == 0) goto invalid; // a block must be able to end
                    if (!Build(_lengths.AsSpan(0, _hlit), LitLenSymbols, _litTable, LitLenPrimaryBits, allowIncomplete: true)) goto invalid;
                    if (input.Length - ip >= PairWorthyInput) AddLiteralPairs(_litTable, LitLenPrimaryBits);
                    if (!Build(_lengths.AsSpan(_hlit, _hdist), DistSymbols, _distTable, DistPrimaryBits, allowIncomplete: true)) goto invalid;
                    _lit = _litTable;
                    _dist = _distTable;
                    _state = State.Codes;
                    continue;
                }

                case State.Codes:
                    result = DecodeCodes(input, ref ip, output, ref op);
                    if (result == InflateStatus.MessageComplete) continue; // end of block or a match to copy: _state moved on
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
    /// Reads the code lengths of a dynamic block's two codes (RFC 1951 section 3.2.7) into _lengths,
    /// on local copies of the bit buffer. Returns 1 when all are read, 0 when input ran out first, -1 for
    /// invalid data.
    /// </summary>
    private int ReadCodeLengths(ReadOnlySpan<byte> input, ref int ipRef)
    {
        ulong bits = _bits;
        int nb = _bitCount, ip = ipRef, index = _index, total = _hlit + _hdist;
        ref byte inRef = ref MemoryMarshal.GetReference(input);
        var lengths = _lengths;
        ref uint table = ref MemoryMarshal.GetArrayDataReference(_codeLenTable);
        int result = 1;
        while (index < total)
        {
            // A code and its extra bits take at most 14 bits, but an invalid entry claims 16: with fewer
            // held, an invalid code would read as missing input while input is still there.
            if (nb < 16) Refill(ref inRef, input.Length, ref ip, ref bits, ref nb);
            uint e = Unsafe.Add(ref table, (int)bits & ((1 << CodeLenPrimaryBits) - 1)); // In range: the table has 2^7 entries.
            int n = (int)(e & 0xFF);
            int sym = (int)(e >> 16);
            int extra = sym < 16 ? 0 : sym == 16 ? 2 : sym == 17 ? 3 : 7;
            if (n + extra > nb)
            {
                result = 0;
                break;
            }
            if ((e & LiteralFlag) == 0)
            {
                result = -1;
                break;
            }
            if (sym < 16)
            {
                bits >>= n;
                nb -= n;
                lengths[index++] = (byte)sym;
                continue;
            }
            int repeat = (int)((bits >> n) & ((1UL << extra) - 1)) + (sym == 18 ? 11 : 3);
            bits >>= n + extra;
            nb -= n + extra;
            if ((sym == 16 && index == 0) || index + repeat > total)
            {
                result = -1;
                break;
            }
            lengths.AsSpan(index, repeat).Fill(sym == 16 ? lengths[index - 1] : (byte)0);
            index += repeat;
        }
        _bits = bits & ((1UL << nb) - 1);
        _bitCount = nb;
        _index = index;
        ipRef = ip;
        return result;
    }

    /// <summary>Tops the bit buffer up to at least 56 bits when 8 input bytes are there, else byte by byte as far as the input goes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Refill(ref byte inRef, int inLen, ref int ip, ref ulong bits, ref int nb)
    {
        if (inLen - ip >= 8)
        {
            // In range: 8 bytes from ip < inLen - 7.
            bits |= Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref inRef, ip)) << nb;
            ip += (63 - nb) >> 3;
            nb |= 56;
            return;
        }
        while (nb < 56 && ip < inLen)
        {
            bits |= (ulong)Unsafe.Add(ref inRef, ip++) << nb;
            nb += 8;
        }
    }

    // The fast loop runs only while no symbol can reach the end of a span: 8 input bytes for the unaligned
    // refill, and output room for the longest match plus the wide copies' overshoot (which is also more
    // than the at most 63 literals one refill can hold).
    private const int FastInputMargin = 8, FastOutputMargin = DeflateConstants.MaxMatch + MatchCopy.Overshoot;

    // Input at hand from which a dynamic block likely decodes enough literals to repay building the pair entries.
    private const int PairWorthyInput = 2048;

    /// <summary>
    /// Decodes literal/length and distance codes on local copies of the bit buffer. Returns MessageComplete
    /// to mean "the state moved on": the block ended, or a match was left to the Copy state.
    /// <see cref="DecodeFast"/> runs far from the ends of the spans, then a careful loop near them. Table
    /// indexes are in range by construction (masked primary index, sub-table offsets and widths written by
    /// <see cref="HuffmanTable.Build"/>).
    /// </summary>
    private InflateStatus DecodeCodes(ReadOnlySpan<byte> input, ref int ipRef, Span<byte> output, ref int opRef)
    {
        ulong bits = _bits;
        int nb = _bitCount, ip = ipRef, op = opRef;
        int inLen = input.Length, outLen = output.Length;
        ref byte inRef = ref MemoryMarshal.GetReference(input);
        ref byte outRef = ref MemoryMarshal.GetReference(output);
        ref uint lit = ref MemoryMarshal.GetArrayDataReference(_lit);
        ref uint dist = ref MemoryMarshal.GetArrayDataReference(_dist);
        InflateStatus result;
        uint e;

        if (ip <= inLen - FastInputMargin && op <= outLen - FastOutputMargin)
        {
            result = DecodeFast(input, output, ref bits, ref nb, ref ip, ref op);
            if (result == InflateStatus.OutputFull)
            {
                _state = State.Copy;
                result = InflateStatus.MessageComplete;
                goto done;
            }
            if (result != InflateStatus.NeedInput) goto done;
        }

        while (true)
        {
            Refill(ref inRef, inLen, ref ip, ref bits, ref nb);

            e = Unsafe.Add(ref lit, (int)bits & LitMask);
            if ((e & LinkFlag) != 0) e = Follow(ref lit, e, bits, LitLenPrimaryBits);
            if ((e & LiteralFlag) != 0)
            {
                // One literal at a time here: a pair entry also reads as its first literal.
                int n1 = (int)(e >> 8) & 15;
                if (n1 > nb) goto needInput;
                if (op >= outLen) goto outputFull;
                Unsafe.Add(ref outRef, op++) = (byte)(e >> 16);
                bits >>= n1;
                nb -= n1;
                continue;
            }
            int n = (int)(e & 0xFF);
            if (n > nb) goto needInput;
            if ((e & KindFlags) == 0)
            {
                int length = (int)(e >> 16) + ExtraBits(e, bits);
                ulong db = bits >> n;
                uint de = Unsafe.Add(ref dist, (int)db & DistMask);
                if ((de & LinkFlag) != 0) de = Follow(ref dist, de, db, DistPrimaryBits);
                int total = n + (int)(de & 0xFF);
                if (total > nb) goto needInput;
                if ((de & KindFlags) != 0) goto invalid;
                int distance = (int)(de >> 16) + ExtraBits(de, db);
                if (distance > _windowSize || distance > _winHave + op) goto invalid;
                bits >>= total;
                nb -= total;
                int room = outLen - op;
                if (distance <= op && room >= length + MatchCopy.Overshoot)
                {
                    MatchCopy.Within(ref Unsafe.Add(ref outRef, op), distance, length);
                    op += length;
                    continue;
                }
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
                goto outputFull;
            }
            if ((e & EndOfBlockFlag) == 0) goto invalid;
            bits >>= n;
            nb -= n;
            result = InflateStatus.MessageComplete;
            goto done;
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
        if (result == InflateStatus.MessageComplete && _state == State.Codes) _state = State.BlockHeader;
        // The refills leave not-yet-counted input bits above nb; clear them, as Need() ORs whole bytes in.
        _bits = bits & ((1UL << nb) - 1);
        _bitCount = nb;
        ipRef = ip;
        opRef = op;
        return result;
    }

    /// <summary>
    /// The fast loop: decodes while at least <see cref="FastInputMargin"/> input bytes and
    /// <see cref="FastOutputMargin"/> output bytes are left, with no other bound checks. Returns NeedInput
    /// when it gets that near an end (the careful loop goes on from there), MessageComplete at the end of
    /// the block, OutputFull for a match it leaves to the Copy state (_copyLen, _copyDist), or InvalidData.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // its own register allocation, free of the careful loop's
    private InflateStatus DecodeFast(ReadOnlySpan<byte> input, Span<byte> output, ref ulong bitsRef, ref int nbRef, ref int ipRef, ref int opRef)
    {
        ulong bits = bitsRef;
        int nb = nbRef, ip = ipRef, op = opRef;
        ref byte inRef = ref MemoryMarshal.GetReference(input);
        ref byte outRef = ref MemoryMarshal.GetReference(output);
        ref uint lit = ref MemoryMarshal.GetArrayDataReference(_lit);
        ref uint dist = ref MemoryMarshal.GetArrayDataReference(_dist);
        int inFastEnd = input.Length - FastInputMargin, outFastEnd = output.Length - FastOutputMargin;
        InflateStatus result = InflateStatus.NeedInput;

        // In range: input is read only by the refill, 8 bytes at ip <= input.Length - 8. Output is written
        // from op <= output.Length - FastOutputMargin: one match of at most 258 bytes plus the copy overshoot,
        // or a run of literals, at most one per bit held (63), and one scratch byte after them.
        while (ip <= inFastEnd && op <= outFastEnd)
        {
            bits |= Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref inRef, ip)) << nb;
            ip += (63 - nb) >> 3;
            nb |= 56; // 56..63 bits held: enough for a length and a distance with their extra bits (at most 48)
            uint e = Unsafe.Add(ref lit, (int)bits & LitMask);
            if ((e & KindFlags) != 0)
            {
                if ((e & LinkFlag) != 0) e = Follow(ref lit, e, bits, LitLenPrimaryBits);
                if ((e & LiteralFlag) != 0)
                {
                    // Literals come in runs: go on with primary-table literals (or pairs) while the bits held
                    // cover them. (e & 0xE0FF) - LiteralFlag is their codes' length, and huge for other kinds.
                    // Two bytes are stored either way, the second only kept for a pair.
                    do
                    {
                        Unsafe.WriteUnaligned(ref Unsafe.Add(ref outRef, op), (ushort)(e >> 16));
                        op += 1 + (int)((e >> 12) & 1);
                        bits >>= (int)(e & 0xFF);
                        nb -= (int)(e & 0xFF);
                        e = Unsafe.Add(ref lit, (int)bits & LitMask);
                    }
                    while ((e & 0xE0FF) - LiteralFlag <= (uint)nb);
                    continue;
                }
                if ((e & KindFlags) != 0) // not a length either
                {
                    if ((e & EndOfBlockFlag) == 0)
                    {
                        result = InflateStatus.InvalidData; // with this many bits held, an invalid code is just that
                        break;
                    }
                    bits >>= (int)(e & 0xFF);
                    nb -= (int)(e & 0xFF);
                    result = InflateStatus.MessageComplete;
                    break;
                }
            }
            int length = (int)(e >> 16) + ExtraBits(e, bits);
            bits >>= (int)(e & 0xFF);
            nb -= (int)(e & 0xFF);
            uint de = Unsafe.Add(ref dist, (int)bits & DistMask);
            if ((de & KindFlags) != 0)
            {
                if ((de & LinkFlag) != 0) de = Follow(ref dist, de, bits, DistPrimaryBits);
                if ((de & KindFlags) != 0)
                {
                    result = InflateStatus.InvalidData;
                    break;
                }
            }
            int distance = (int)(de >> 16) + ExtraBits(de, bits);
            bits >>= (int)(de & 0xFF);
            nb -= (int)(de & 0xFF);
            if (distance <= op && distance <= _windowSize)
            {
                MatchCopy.Within(ref Unsafe.Add(ref outRef, op), distance, length);
            }
            else
            {
                // The match starts before this call's output, or reaches too far.
                int back = distance - op;
                if (distance > _windowSize || back > _winHave)
                {
                    result = InflateStatus.InvalidData;
                    break;
                }
                int start = _winNext - back;
                if (start < 0) start += _windowSize;
                if (length > back || start + length > _windowSize)
                {
                    // It wraps around the window's end or runs on into this output: rare, so it is left to
                    // the Copy state, which keeps this loop free of calls (and its variables in registers).
                    _copyLen = length;
                    _copyDist = distance;
                    result = InflateStatus.OutputFull;
                    break;
                }
                // In range: start + length <= _windowSize, and the window array has the overshoot as slack.
                MatchCopy.Disjoint(ref Unsafe.Add(ref outRef, op), ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_window), start), length);
            }
            op += length;
        }
        bitsRef = bits;
        nbRef = nb;
        ipRef = ip;
        opRef = op;
        return result;
    }

    /// <summary>Copies <paramref name="length"/> bytes from <paramref name="distance"/> back, which may reach into the window.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // off the hot path: keeps the decode loops small
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
