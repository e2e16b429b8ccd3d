using System.Buffers;
using System.Runtime.CompilerServices;
using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;

namespace WebSocketKit;

/// <summary>
/// permessage-deflate (RFC 7692) on a connection, when the handshake negotiated it.
/// <para>
/// <b>Reading.</b> A message whose first frame has RSV1 is inflated as it streams: its payload
/// goes from the frames into a pooled input buffer and from there through the inflater into the
/// caller's memory, so the read limit caps the inflated size as it is produced (close 1009 after
/// at most limit bytes, whatever the ratio), data that does not inflate closes with 1007, and
/// text is checked as UTF-8 after inflation (1007).
/// </para>
/// <para>
/// <b>Writing.</b> Data messages of at least <see cref="PerMessageDeflateParameters.Threshold"/>
/// bytes are deflated with the negotiated window and takeover mode, sync-flushed with the
/// 00 00 FF FF tail removed, RSV1 on the first frame only. Control frames are never compressed.
/// </para>
/// <para>
/// <b>Memory.</b> With context takeover a direction keeps its context for the connection's life,
/// as the RFC requires: the inflater holds a window of 2^bits bytes plus ~12 KiB of tables; the
/// zlib deflater holds 2^(bits+2) + 2^(memLevel+9) bytes of native memory (256 KiB at 15 and 8),
/// created on the first compressed message. Without takeover nothing is kept: contexts are
/// rented from <see cref="CompressionPool"/> per message, and the runtime's zlib frees its
/// native state at the end of each message (its shim has no deflateReset, so each such message
/// starts a zlib stream: a native allocation, as System.Net.WebSockets does). Buffers are
/// pooled per message.
/// </para>
/// </summary>
public sealed partial class Conn
{
    private const int InflateInputSize = 16 * 1024;

    private readonly PerMessageDeflateParameters? _compression;
    private long _readLimit;
    // The plain (uncompressed) data message being read on a compressing connection: its size is
    // checked here, since the frame decoder's limit is widened for compressed payloads.
    private long _plainMessageLength;

    // The compressed message being read.
    private bool _inflating;
    private InflatePhase _inflatePhase;
    private Inflater? _inflater;
    private Inflater? _keptInflater;
    private byte[]? _inflateIn;
    private int _inflatePos, _inflateEnd;

    private MessageDeflater? _keptDeflater;

    private enum InflatePhase : byte { Payload, Finishing, Complete }

    /// <summary>The permessage-deflate parameters agreed in the handshake, or null when compression is off.</summary>
    public PerMessageDeflateParameters? Compression => _compression;

    // The payload bytes a message may take on the wire. Deflate can grow incompressible data by a
    // little, so with compression on the decoder allows that much more and the limit proper is
    // applied to the inflated bytes (and to plain messages at their headers).
    private long WireLimit(long limit)
        => _compression is null ? limit : limit > long.MaxValue / 2 ? long.MaxValue : limit + limit / 8 + 64;

    private void ApplyReadLimit(long limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        _readLimit = limit;
        _decoder.MaxMessageSize = WireLimit(limit);
        // A compressed message being read obeys the new limit from its next inflated byte.
        if (_inflater is { } inflater) inflater.MaxMessageSize = limit;
    }

    // Called at the first frame header of a data message; false when the plain message is too big.
    private bool BeginMessagePayload()
    {
        if (_compression is null) return true;
        if (_decoder.MessageCompressed)
        {
            BeginInflate();
            return true;
        }
        _plainMessageLength = 0;
        return CountPlainFrame();
    }

    // Called at each data frame header: plain messages on a compressing connection obey the exact limit.
    private bool CountPlainFrame()
    {
        if (_compression is null || _inflating) return true;
        _plainMessageLength += _decoder.Header.PayloadLength;
        return _plainMessageLength <= _readLimit;
    }

    private void BeginInflate()
    {
        var c = _compression!;
        _inflater = c.ReadContextTakeover(_role)
            ? _keptInflater ??= c.CreateInflater(_role)
            : CompressionPool.RentInflater(c.ReadWindowBits(_role));
        _inflater.MaxMessageSize = _readLimit;
        _inflateIn = ArrayPool<byte>.Shared.Rent(InflateInputSize);
        _inflatePos = _inflateEnd = 0;
        _inflatePhase = InflatePhase.Payload;
        _inflating = true;
    }

    private void EndInflate()
    {
        _inflating = false;
        if (_inflater is { } inflater && !inflater.ContextTakeover) CompressionPool.Return(inflater);
        _inflater = null;
        if (_inflateIn is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
        _inflateIn = null;
    }

    // Inflates what the frames have delivered into dest. Returns the bytes produced (> 0), 0 when
    // the inflater needs more payload from the frames, or -1 when the message is complete.
    private int InflateStep(Span<byte> dest, out ProtocolError error)
    {
        error = ProtocolError.None;
        if (_inflatePhase == InflatePhase.Complete) return -1;
        var inflater = _inflater!;
        if (_inflatePos < _inflateEnd)
        {
            var status = inflater.Inflate(_inflateIn.AsSpan(_inflatePos, _inflateEnd - _inflatePos), dest, out int consumed, out int written);
            _inflatePos += consumed;
            if (status is InflateStatus.InvalidData or InflateStatus.MessageTooBig)
            {
                error = inflater.Error;
                return 0;
            }
            if (written > 0) return written;
        }
        if (_inflatePhase != InflatePhase.Finishing) return 0;
        var end = inflater.FinishMessage(dest, out int tail);
        switch (end)
        {
            case InflateStatus.MessageComplete:
                _inflatePhase = InflatePhase.Complete;
                return tail > 0 ? tail : -1;
            case InflateStatus.OutputFull:
                return tail;
            default:
                error = inflater.Error;
                return 0;
        }
    }

    // The compressed payload of one frame has been put in _inflateIn[0..count].
    private void InflateInputArrived(int count)
    {
        _inflatePos = 0;
        _inflateEnd = count;
    }

    private bool WriteTakeover => _compression!.WriteContextTakeover(_role);

    // Whether a data message of this length goes out compressed.
    private bool ShouldCompress(int length) => _compression is { } c && _writeCompression && length >= c.Threshold;

    // Whether a streamed message (NextWriter) may be compressed; its threshold is applied when it ends.
    internal bool CompressesStreams => _compression is not null && _writeCompression;

    internal int CompressionThreshold => _compression?.Threshold ?? 0;

    // zlib's numbering: -1 is the default level; -2 (Huffman only) is not offered by our
    // compressors and runs at level 1, the cheapest that still compresses.
    private int EffectiveLevel => _compressionLevel switch { -1 => 6, -2 => 1, var l => l };

    internal MessageDeflater AcquireDeflater()
    {
        var c = _compression!;
        var deflater = WriteTakeover
            ? _keptDeflater ??= c.CreateDeflater(_role, EffectiveLevel, c.MemoryLevel)
            : CompressionPool.RentDeflater(c.WriteWindowBits(_role), c.MemoryLevel);
        deflater.Level = EffectiveLevel;
        return deflater;
    }

    internal void ReleaseDeflater(MessageDeflater deflater)
    {
        if (!deflater.ContextTakeover) CompressionPool.Return(deflater, _compression!.MemoryLevel);
    }

    // With context takeover the deflater has taken in a message the peer may never see; any later
    // message could refer back into it, so a failed compressed write ends the write side for good.
    internal void NoteCompressedWriteFailure(Exception e)
    {
        if (_compression is not null && WriteTakeover && e is not ConnectionClosedException) WriteFailed(e);
    }

    // One whole message, deflated into a pooled buffer and sent as one frame with RSV1.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendCompressedAsync(Opcode opcode, ReadOnlyMemory<byte> data, CancellationToken token)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(HeaderRoom + MessageDeflater.GetMaxCompressedLength(data.Length));
        try
        {
            int n;
            var deflater = AcquireDeflater();
            try
            {
                n = deflater.Compress(data.Span, buffer.AsSpan(HeaderRoom));
            }
            finally
            {
                ReleaseDeflater(deflater);
            }
            await SendBufferedFrameAsync(buffer, n, opcode, fin: true, token, rsv1: true).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            NoteCompressedWriteFailure(e);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // A prepared message on a compressing connection. Without takeover every message stands alone,
    // so the form compressed once per window and level is reused; with takeover the connection's
    // own window must take the message in, so it is compressed afresh.
    private ValueTask SendPreparedCompressedAsync(PreparedMessage message, CancellationToken token)
    {
        if (WriteTakeover) return SendCompressedAsync((Opcode)message.Type, message.Data, token);
        var frame = message.CompressedFrame(_compression!.WriteWindowBits(_role), EffectiveLevel, _compression.MemoryLevel, out int headerSize);
        return _role == Role.Server
            ? SendRawFrameAsync(frame, token)
            : SendFrameAsync((Opcode)message.Type, fin: true, frame[headerSize..], token, rsv1: true);
    }

    private void DisposeCompression()
    {
        // The kept zlib stream is native memory; a writer still inside it keeps it alive until it
        // returns (SafeHandle), and then fails as the connection is closed.
        _keptDeflater?.Dispose();
    }
}
