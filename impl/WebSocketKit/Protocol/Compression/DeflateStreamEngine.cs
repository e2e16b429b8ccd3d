using System.Buffers;
using System.IO.Compression;

namespace WebSocketKit.Protocol.Compression;

/// <summary>
/// One permessage-deflate compression context on System.IO.Compression's public <see cref="DeflateStream"/> (the
/// runtime's zlib-ng behind a documented API), for window bits 15 only: its window is always 15 bits and cannot be
/// narrowed. Flush is zlib's sync flush; its 00 00 FF FF tail is checked and taken off. Output goes to a buffer and is
/// handed out from there, so any output span size works. The level is set per stream, so a level change (between
/// messages) or a reset starts a new stream: valid under context takeover too, since a new stream refers back only
/// into itself and the peer's window holds those bytes as well. Memory level is zlib's default (8).
/// </summary>
internal sealed class DeflateStreamEngine : IDeflateEngine
{
    private readonly MemoryStream _sink = new();
    private DeflateStream? _stream;
    private int _streamLevel;
    private int _handedOut;     // bytes of _sink already written to callers
    private bool _inMessage;
    private bool _flushed;      // the message's flush is in _sink, tail removed

    public OperationStatus Compress(ReadOnlySpan<byte> input, Span<byte> output, bool final, int level, out int consumed, out int written)
    {
        consumed = 0;
        if (!_flushed)
        {
            if (!_inMessage && (_stream is null || level != _streamLevel)) Restart(level);
            _inMessage = true;
            _stream!.Write(input);
            consumed = input.Length;
            if (final) EndMessage();
        }
        int n = (int)Math.Min(_sink.Length - _handedOut, output.Length);
        _sink.GetBuffer().AsSpan(_handedOut, n).CopyTo(output);
        _handedOut += n;
        written = n;
        if (_handedOut < _sink.Length) return OperationStatus.DestinationTooSmall;
        _sink.SetLength(0);
        _handedOut = 0;
        if (_flushed) _flushed = _inMessage = false;
        return OperationStatus.Done;
    }

    private void EndMessage()
    {
        long before = _sink.Length;
        _stream!.Flush();
        _flushed = true;
        if (_sink.Length == before)
        {
            // Nothing was pending (an empty message right after a flush): an empty stored block header whose LEN/NLEN is the tail.
            _sink.WriteByte(0);
            return;
        }
        if (_sink.Length - before < 4 || !_sink.GetBuffer().AsSpan((int)_sink.Length - 4, 4).SequenceEqual(PerMessageDeflate.Tail))
            throw new InvalidOperationException("DeflateStream's flush did not end with 00 00 FF FF");
        _sink.SetLength(_sink.Length - 4);
    }

    /// <summary>A new stream at <paramref name="level"/>; the old one's final block is thrown away.</summary>
    private void Restart(int level)
    {
        Reset();
        _stream = new DeflateStream(_sink, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true);
        _streamLevel = level;
    }

    public void Reset()
    {
        _stream?.Dispose();
        _stream = null;
        _sink.SetLength(0);
        _handedOut = 0;
        _inMessage = _flushed = false;
    }

    public void Dispose()
    {
        _stream?.Dispose();
        _stream = null;
    }
}
