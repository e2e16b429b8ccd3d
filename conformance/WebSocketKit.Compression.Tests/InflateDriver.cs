using System.IO.Compression;
using WebSocketKit.Protocol.Compression;

namespace WebSocketKit.Compression.Tests;

/// <summary>Drives an <see cref="Inflater"/> the way a connection does: payload in chunks, output in chunks, then the tail.</summary>
internal static class InflateDriver
{
    public static byte[] Hex(string s) => Convert.FromHexString(s.Replace(" ", "").Replace("0x", ""));

    /// <summary>Inflates one message; returns the final status and everything produced.</summary>
    public static (InflateStatus status, byte[] output) Run(Inflater inflater, ReadOnlySpan<byte> payload, int inChunk = int.MaxValue, int outChunk = 4096)
    {
        var produced = new MemoryStream();
        var buf = new byte[Math.Max(1, outChunk)];
        int guard = 0;
        while (true)
        {
            var piece = payload[..Math.Min(Math.Max(1, inChunk), payload.Length)];
            var status = inflater.Inflate(piece, buf, out int consumed, out int written);
            produced.Write(buf, 0, written);
            payload = payload[consumed..];
            if (status is InflateStatus.InvalidData or InflateStatus.MessageTooBig) return (status, produced.ToArray());
            if (status == InflateStatus.NeedInput && payload.IsEmpty) break;
            if (++guard > 100_000_000) throw new InvalidOperationException("no progress");
        }
        while (true)
        {
            var status = inflater.FinishMessage(buf, out int written);
            produced.Write(buf, 0, written);
            if (status != InflateStatus.OutputFull) return (status, produced.ToArray());
        }
    }

    public static byte[] InflateOk(Inflater inflater, ReadOnlySpan<byte> payload, int inChunk = int.MaxValue, int outChunk = 4096)
    {
        var (status, output) = Run(inflater, payload, inChunk, outChunk);
        if (status != InflateStatus.MessageComplete) throw new Xunit.Sdk.XunitException($"inflate ended with {status} ({inflater.Error})");
        return output;
    }

    /// <summary>zlib's raw DEFLATE of <paramref name="data"/> as one permessage-deflate payload (sync flush, tail removed).</summary>
    public static byte[] ZlibDeflate(ReadOnlySpan<byte> data, CompressionLevel level = CompressionLevel.Optimal)
    {
        var ms = new MemoryStream();
        using (var ds = new DeflateStream(ms, level, leaveOpen: true))
        {
            ds.Write(data);
            ds.Flush(); // Z_SYNC_FLUSH: ends with 00 00 FF FF
        }
        // Disposing appended a final block after the flush; keep only up to the sync marker.
        var all = ms.ToArray();
        int end = IndexOfTail(all);
        // No data means zlib flushed nothing: the shortest payload is an empty stored block's header.
        return end < 0 ? [0x00] : all[..end];
    }

    private static int IndexOfTail(byte[] all)
    {
        ReadOnlySpan<byte> tail = PerMessageDeflate.Tail;
        int i = all.AsSpan().IndexOf(tail);
        // The sync marker is the last 00 00 FF FF before the final block.
        int last = -1;
        while (i >= 0)
        {
            last = i;
            int next = all.AsSpan(last + 1).IndexOf(tail);
            i = next < 0 ? -1 : last + 1 + next;
        }
        return last;
    }

    /// <summary>zlib's inflate of our payload (tail appended).</summary>
    public static byte[] ZlibInflate(ReadOnlySpan<byte> payload)
    {
        var input = new MemoryStream();
        input.Write(payload);
        input.Write(PerMessageDeflate.Tail);
        input.Position = 0;
        using var ds = new DeflateStream(input, CompressionMode.Decompress);
        var output = new MemoryStream();
        ds.CopyTo(output);
        return output.ToArray();
    }
}
