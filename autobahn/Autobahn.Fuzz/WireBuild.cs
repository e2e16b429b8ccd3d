using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Autobahn.Engine.Wire;

namespace Autobahn.Fuzz;

/// <summary>Turns a session's steps into octets: the request, frames in every length form, compressed payloads.</summary>
public static class WireBuild
{
    /// <summary>The request's octets; "{host}" in a header value becomes the target's host:port.</summary>
    public static byte[] Request(HandshakeSpec h, Uri target)
    {
        var sb = new StringBuilder();
        sb.Append(h.Method).Append(' ').Append(h.Path).Append(' ').Append(h.Version).Append("\r\n");
        foreach (var f in h.Headers)
            sb.Append(f.Name).Append(':').Append(f.Value.Replace("{host}", $"{target.Host}:{target.Port}").Replace("{key}", h.Key)).Append("\r\n");
        sb.Append("\r\n");
        return Encoding.Latin1.GetBytes(sb.ToString());
    }

    /// <summary>A complete frame: header in the step's length form, key, masked payload (<paramref name="payload"/> is what goes out, unmasked).</summary>
    public static byte[] Frame(FuzzStep s, byte[] payload, int rsv)
    {
        byte[]? mask = s.Masked ? Convert.FromHexString(s.Mask) : null;
        var form = s.Length;
        if (form == LengthForm.Wide16 && payload.Length > 0xFFFF) form = LengthForm.Wide64;
        if (form == LengthForm.Minimal) return FrameWriter.Encode(s.Opcode, payload, s.Fin, rsv, mask);
        int extra = form == LengthForm.Wide16 ? 2 : 8;
        var frame = new byte[2 + extra + (mask is null ? 0 : 4) + payload.Length];
        frame[0] = (byte)((s.Fin ? 0x80 : 0) | ((rsv & 7) << 4) | (s.Opcode & 0x0F));
        frame[1] = (byte)((mask is null ? 0 : 0x80) | (extra == 2 ? 126 : 127));
        if (extra == 2) BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
        else BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)(uint)payload.Length | (form == LengthForm.TopBit64 ? 1UL << 63 : 0UL));
        int at = 2 + extra;
        if (mask is not null) { mask.CopyTo(frame, at); at += 4; }
        payload.CopyTo(frame, at);
        if (mask is not null) FrameWriter.ApplyMask(frame.AsSpan(at), mask, 0);
        return frame;
    }

    /// <summary>
    /// A message compressed on its own (a fresh deflater, so it never refers back to earlier messages and is valid under
    /// any context takeover setting), without the 00 00 FF FF tail. A small agreed window gets stored blocks only.
    /// </summary>
    public static byte[] Deflate(ReadOnlySpan<byte> plain, int windowBits)
    {
        using var sink = new MemoryStream();
        using (var deflater = new DeflateStream(sink, windowBits < 15 && plain.Length > 256 ? CompressionLevel.NoCompression : CompressionLevel.Fastest, leaveOpen: true))
        {
            deflater.Write(plain);
            deflater.Flush();
            var flushed = sink.ToArray();
            var body = flushed.AsSpan().EndsWith(SyncTail) ? flushed[..^4] : flushed;
            // An empty message compresses to one empty stored block's first octet (RFC 7692 section 7.2.3.6).
            return body.Length == 0 ? [0x00] : body;
        }
    }

    /// <summary>A valid start followed by a block no inflater may accept: a reserved block type, or a stored block whose length check fails.</summary>
    public static byte[] CorruptDeflate(ReadOnlySpan<byte> plain, int windowBits)
    {
        var valid = Deflate(plain, windowBits);
        byte[] bad = plain.Length % 2 == 0 ? [0x06] : [0x00, 0x05, 0x00, 0x00, 0x00];
        return [.. valid, .. bad];
    }

    internal static ReadOnlySpan<byte> SyncTail => [0x00, 0x00, 0xFF, 0xFF];
}
