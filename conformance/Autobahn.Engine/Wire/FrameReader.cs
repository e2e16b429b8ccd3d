using System.Buffers.Binary;

namespace Autobahn.Engine.Wire;

/// <summary>One complete frame as it arrived (payload already unmasked).</summary>
public sealed record ReceivedFrame(int Opcode, bool Fin, int Rsv, byte[]? Mask, byte[] Payload);

/// <summary>
/// Collects octets from the peer and cuts them into frames. It checks nothing about the protocol:
/// judging what arrived is the engine's job, this only needs the framing to be decodable.
/// </summary>
public sealed class FrameReader
{
    private byte[] _buffer = new byte[64 * 1024];
    private int _start, _end;

    /// <summary>Largest payload accepted before the reader gives up (protects the engine's memory).</summary>
    public long MaxPayload { get; init; } = 256L * 1024 * 1024;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_end + data.Length > _buffer.Length)
        {
            // Move what is unread to the front (and grow only when that is not enough): consumed frames cost no copying.
            int unread = _end - _start;
            var target = unread + data.Length > _buffer.Length ? new byte[Math.Max(_buffer.Length * 2, unread + data.Length)] : _buffer;
            _buffer.AsSpan(_start, unread).CopyTo(target);
            _buffer = target;
            _start = 0;
            _end = unread;
        }
        data.CopyTo(_buffer.AsSpan(_end));
        _end += data.Length;
    }

    /// <summary>Takes the next complete frame out of the buffer, or returns null when more octets are needed.</summary>
    /// <exception cref="InvalidDataException">The header announces a payload larger than <see cref="MaxPayload"/>.</exception>
    public ReceivedFrame? TryRead()
    {
        var b = _buffer.AsSpan(_start, _end - _start);
        if (b.Length < 2) return null;
        bool masked = (b[1] & 0x80) != 0;
        long len = b[1] & 0x7F;
        int pos = 2;
        if (len == 126)
        {
            if (b.Length < 4) return null;
            len = BinaryPrimitives.ReadUInt16BigEndian(b[2..]);
            pos = 4;
        }
        else if (len == 127)
        {
            if (b.Length < 10) return null;
            ulong l = BinaryPrimitives.ReadUInt64BigEndian(b[2..]);
            if (l > (ulong)MaxPayload) throw new InvalidDataException($"frame payload of {l} octets is over the engine's limit");
            len = (long)l;
            pos = 10;
        }
        if (len > MaxPayload) throw new InvalidDataException($"frame payload of {len} octets is over the engine's limit");
        byte[]? mask = null;
        if (masked)
        {
            if (b.Length < pos + 4) return null;
            mask = b.Slice(pos, 4).ToArray();
            pos += 4;
        }
        if (b.Length < pos + len) return null;
        var payload = b.Slice(pos, (int)len).ToArray();
        if (mask is not null) FrameWriter.ApplyMask(payload, mask, 0);
        var frame = new ReceivedFrame(b[0] & 0x0F, (b[0] & 0x80) != 0, (b[0] >> 4) & 7, mask, payload);
        _start += pos + (int)len;
        if (_start == _end) _start = _end = 0;
        return frame;
    }
}
