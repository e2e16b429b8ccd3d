using System.Buffers.Binary;

namespace Autobahn.Engine.Http2;

/// <summary>Reads and writes frames on a byte stream, bounded by the frame size this side allows.</summary>
public static class Http2FrameCodec
{
    public static byte[] Encode(FrameType type, byte flags, int streamId, ReadOnlySpan<byte> payload) =>
        Encode((byte)type, flags, streamId, payload);

    /// <summary>Any type octet, so that a case can send frame types nobody defined.</summary>
    public static byte[] Encode(byte type, byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[Http2Limits.FrameHeaderLength + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), streamId & int.MaxValue);
        payload.CopyTo(frame.AsSpan(Http2Limits.FrameHeaderLength));
        return frame;
    }

    /// <summary>The next frame, or null when the peer closed the stream cleanly between frames.</summary>
    /// <exception cref="Http2ConnectionException">A frame longer than <paramref name="maxFrameSize"/> (FRAME_SIZE_ERROR).</exception>
    /// <exception cref="EndOfStreamException">The stream ended inside a frame.</exception>
    public static async Task<Http2Frame?> ReadAsync(Stream stream, int maxFrameSize, CancellationToken ct)
    {
        var header = new byte[Http2Limits.FrameHeaderLength];
        int got = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, ct);
        if (got == 0) return null;
        if (got < header.Length) throw new EndOfStreamException("the connection ended inside a frame header");
        var (length, type, flags, streamId) = ParseHeader(header);
        if (length > maxFrameSize)
        {
            // An HTTP/1.x server answers a preface with a status line, whose first octets read as a huge length.
            if (header.AsSpan().StartsWith("HTTP/1."u8))
            {
                throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, "an HTTP/1.x response instead of HTTP/2 frames: the server does not speak HTTP/2 here");
            }
            throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, $"a frame of {length} octets, over the {maxFrameSize} allowed");
        }
        var payload = new byte[length];
        await stream.ReadExactlyAsync(payload, ct);
        return new Http2Frame(type, flags, streamId, payload);
    }

    /// <summary>A frame header's fields (RFC 9113 §4.1): the payload's length, the type, the flags, the stream (reserved bit dropped).</summary>
    public static (int Length, FrameType Type, byte Flags, int StreamId) ParseHeader(ReadOnlySpan<byte> header) =>
        ((header[0] << 16) | (header[1] << 8) | header[2], (FrameType)header[3], header[4],
         BinaryPrimitives.ReadInt32BigEndian(header[5..]) & int.MaxValue);

    public static byte[] SettingsPayload(IEnumerable<(SettingId Id, uint Value)> settings)
    {
        var list = settings.ToList();
        var payload = new byte[list.Count * 6];
        for (int i = 0; i < list.Count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(i * 6), (ushort)list[i].Id);
            BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(i * 6 + 2), list[i].Value);
        }
        return payload;
    }

    /// <exception cref="Http2ConnectionException">A length that is not a multiple of 6 (FRAME_SIZE_ERROR, RFC 9113 §6.5).</exception>
    public static List<(SettingId Id, uint Value)> ParseSettings(byte[] payload)
    {
        if (payload.Length % 6 != 0) throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, "a SETTINGS payload whose length is not a multiple of 6");
        var settings = new List<(SettingId, uint)>();
        for (int at = 0; at < payload.Length; at += 6)
        {
            settings.Add(((SettingId)BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(at)), BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(at + 2))));
        }
        return settings;
    }

    public static byte[] UInt32Payload(uint value)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, value);
        return payload;
    }

    public static byte[] GoAwayPayload(int lastStreamId, Http2ErrorCode code)
    {
        var payload = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(payload, lastStreamId);
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(4), (uint)code);
        return payload;
    }

    /// <summary>The payload without its padding (RFC 9113 §6.1, §6.2) and, for HEADERS, without the priority fields.</summary>
    /// <exception cref="Http2ConnectionException">Padding longer than the payload (PROTOCOL_ERROR).</exception>
    public static ReadOnlyMemory<byte> Content(Http2Frame frame)
    {
        int start = 0, end = frame.Payload.Length;
        if ((frame.Type is FrameType.Data or FrameType.Headers) && frame.Has(FrameFlags.Padded))
        {
            if (end < 1) throw new Http2ConnectionException(Http2ErrorCode.FrameSizeError, $"a padded {frame.Type} frame with no pad length");
            int pad = frame.Payload[0];
            start = 1;
            end -= pad;
        }
        if (frame.Type == FrameType.Headers && frame.Has(FrameFlags.Priority)) start += 5;
        if (end < start) throw new Http2ConnectionException(Http2ErrorCode.ProtocolError, $"a {frame.Type} frame whose padding or priority is longer than its payload");
        return frame.Payload.AsMemory(start, end - start);
    }
}
