using System.Buffers;
using System.Runtime.CompilerServices;
using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;

namespace WebSocketKit;

/// <summary>
/// permessage-deflate (RFC 7692) on a connection, when the handshake negotiated it.
/// <para>
/// <b>Reading.</b> A message whose first frame has RSV1 is inflated as it streams, by the
/// connection's <see cref="MessageReceiver"/>: its payload goes from the frames into a pooled input
/// buffer and from there through the inflater into the caller's memory, so the read limit caps the inflated size as it is produced (close 1009 after
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
/// rented from <see cref="CompressionPool"/> per message. Buffers are pooled per message.
/// </para>
/// </summary>
public sealed partial class Conn
{
    private readonly PerMessageDeflateParameters? _compression;

    /// <summary>The permessage-deflate parameters agreed in the handshake, or null when compression is off.</summary>
    public PerMessageDeflateParameters? Compression => _compression;

    // With context takeover the deflater has taken in a message the peer may never see; any later
    // message could refer back into it, so a failed compressed write ends the write side for good.
    internal void NoteCompressedWriteFailure(Exception e)
    {
        if (_sender.ContextTakeover && e is not ConnectionClosedException) WriteFailed(e);
    }

    // One whole message, deflated into a pooled buffer and sent as one frame with RSV1.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendCompressedAsync(Opcode opcode, ReadOnlyMemory<byte> data, CancellationToken token)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(HeaderRoom + MessageDeflater.GetMaxCompressedLength(data.Length));
        try
        {
            int n = _sender.CompressMessage(data.Span, buffer.AsSpan(HeaderRoom));
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
        if (_sender.ContextTakeover) return SendCompressedAsync((Opcode)message.Type, message.Data, token);
        var frame = message.CompressedFrame(_sender.WindowBits, _sender.EffectiveLevel, _sender.MemoryLevel, out int headerSize);
        return _role == Role.Server
            ? SendRawFrameAsync(frame, token)
            : SendFrameAsync((Opcode)message.Type, fin: true, frame[headerSize..], token, rsv1: true);
    }

    // The kept zlib stream is native memory; a writer still inside it keeps it alive until it
    // returns (SafeHandle), and then fails as the connection is closed.
    private void DisposeCompression() => _sender.Dispose();
}
