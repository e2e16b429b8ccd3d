using System.IO.Compression;
using System.Text;

namespace Autobahn.Engine.Wire;

/// <summary>One permessage-deflate offer a client makes (RFC 7692 section 7.1), written the way the official suite writes it.</summary>
public sealed record DeflateOffer(bool AcceptNoContextTakeover = true, bool AcceptMaxWindowBits = true, bool RequestNoContextTakeover = false, int RequestMaxWindowBits = 0)
{
    public string Header()
    {
        var sb = new StringBuilder("permessage-deflate");
        if (AcceptNoContextTakeover) sb.Append("; client_no_context_takeover");
        if (AcceptMaxWindowBits) sb.Append("; client_max_window_bits");
        if (RequestNoContextTakeover) sb.Append("; server_no_context_takeover");
        if (RequestMaxWindowBits != 0) sb.Append($"; server_max_window_bits={RequestMaxWindowBits}");
        return sb.ToString();
    }
}

/// <summary>
/// How a server answers offers: the first alternative the client's offers allow wins. Each alternative asks the client
/// for no context takeover and/or a window size (0: no request), which the client must have said it accepts.
/// </summary>
public sealed record DeflateServerPolicy(IReadOnlyList<(bool ClientNoContextTakeover, int ClientMaxWindowBits)> Alternatives)
{
    public static readonly DeflateServerPolicy AcceptAny = new([(false, 0)]);

    /// <summary>Chooses an offer from the client's header; returns the agreement and the answer header, or null to decline.</summary>
    public (DeflateAgreement Agreement, string Header)? Choose(string? offersHeader)
    {
        var offers = ParseOffers(offersHeader);
        foreach (var (noContext, bits) in Alternatives)
            foreach (var o in offers)
            {
                if (noContext && !o.AcceptNoContextTakeover) continue;
                if (bits != 0 && !o.AcceptMaxWindowBits) continue;
                var sb = new StringBuilder("permessage-deflate");
                if (o.RequestNoContextTakeover) sb.Append("; server_no_context_takeover");
                if (o.RequestMaxWindowBits != 0) sb.Append($"; server_max_window_bits={o.RequestMaxWindowBits}");
                if (noContext) sb.Append("; client_no_context_takeover");
                if (bits != 0) sb.Append($"; client_max_window_bits={bits}");
                var agreement = new DeflateAgreement(o.RequestNoContextTakeover, noContext,
                    o.RequestMaxWindowBits == 0 ? 15 : o.RequestMaxWindowBits, bits == 0 ? 15 : bits);
                return (agreement, sb.ToString());
            }
        return null;
    }

    /// <summary>The client's permessage-deflate offers, in its order of preference; malformed ones are skipped.</summary>
    public static List<DeflateOffer> ParseOffers(string? header)
    {
        var result = new List<DeflateOffer>();
        if (string.IsNullOrWhiteSpace(header)) return result;
        foreach (var extension in header.Split(','))
        {
            var parts = extension.Split(';').Select(p => p.Trim()).ToArray();
            if (!parts[0].Equals("permessage-deflate", StringComparison.OrdinalIgnoreCase)) continue;
            // client_no_context_takeover in an offer is only a hint: RFC 7692 section 7.1.1.2 lets a server ask for it regardless.
            var offer = new DeflateOffer(AcceptNoContextTakeover: true, AcceptMaxWindowBits: false);
            bool ok = true;
            foreach (var p in parts.Skip(1))
            {
                var kv = p.Split('=', 2);
                int? value = kv.Length == 2 && int.TryParse(kv[1].Trim().Trim('"'), out int v) ? v : null;
                switch (kv[0].Trim().ToLowerInvariant())
                {
                    case "client_no_context_takeover": offer = offer with { AcceptNoContextTakeover = true }; break;
                    case "client_max_window_bits" when value is null or (>= 8 and <= 15): offer = offer with { AcceptMaxWindowBits = true }; break;
                    case "server_no_context_takeover": offer = offer with { RequestNoContextTakeover = true }; break;
                    case "server_max_window_bits" when value is >= 8 and <= 15: offer = offer with { RequestMaxWindowBits = value.Value }; break;
                    default: ok = false; break;
                }
            }
            if (ok) result.Add(offer);
        }
        return result;
    }
}

/// <summary>What the server accepted: the parameters that bind each side's compressor.</summary>
public sealed record DeflateAgreement(bool ServerNoContextTakeover, bool ClientNoContextTakeover, int ServerMaxWindowBits, int ClientMaxWindowBits)
{
    /// <summary>Reads the server's Sec-WebSocket-Extensions answer; null when it did not accept permessage-deflate.</summary>
    /// <exception cref="InvalidDataException">The answer is malformed or has parameters RFC 7692 does not allow.</exception>
    public static DeflateAgreement? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return null;
        foreach (var extension in header.Split(','))
        {
            var parts = extension.Split(';').Select(p => p.Trim()).ToArray();
            if (!parts[0].Equals("permessage-deflate", StringComparison.OrdinalIgnoreCase)) continue;
            bool snct = false, cnct = false; int smwb = 15, cmwb = 15;
            foreach (var p in parts.Skip(1))
            {
                var kv = p.Split('=', 2);
                string name = kv[0].Trim().ToLowerInvariant();
                int? value = kv.Length == 2 && int.TryParse(kv[1].Trim().Trim('"'), out int v) ? v : null;
                switch (name)
                {
                    case "server_no_context_takeover": snct = true; break;
                    case "client_no_context_takeover": cnct = true; break;
                    case "server_max_window_bits" when value is >= 8 and <= 15: smwb = value.Value; break;
                    case "client_max_window_bits" when value is >= 8 and <= 15: cmwb = value.Value; break;
                    default: throw new InvalidDataException($"permessage-deflate answer has a bad parameter '{p}'");
                }
            }
            return new DeflateAgreement(snct, cnct, smwb, cmwb);
        }
        return null;
    }
}

/// <summary>Compresses whole messages for one direction: a 15-bit window through System.IO.Compression, smaller ones through libz.</summary>
public sealed class MessageCompressor : IDisposable
{
    private readonly bool _noContextTakeover;
    private readonly int _windowBits;
    private readonly ZlibDeflater? _native;
    private readonly MemoryStream _sink = new();
    private DeflateStream? _managed;
    private bool _used;
    // A known sequence being recorded (compressed here) or replayed (this compressor's state stays untouched, unused).
    private string? _sequenceName, _sequenceKey;
    private byte[][]? _recording, _replay;
    private int _nextIndex;

    public MessageCompressor(int windowBits, bool noContextTakeover)
    {
        _noContextTakeover = noContextTakeover;
        _windowBits = windowBits;
        if (windowBits < 15) _native = new ZlibDeflater(windowBits, level: 1);
    }

    /// <summary>
    /// The message's compressed payload, without the trailing 00 00 FF FF (RFC 7692 section 7.2.1). A message of a
    /// <paramref name="sequence"/> that this compressor began with is recorded, or replayed from an earlier recording.
    /// </summary>
    public byte[] Compress(ReadOnlySpan<byte> message, MessageSequence? sequence)
    {
        bool follows = sequence is not null && (_sequenceName is null ? !_used && sequence.Index == 0 : sequence.Name == _sequenceName);
        if (!follows)
        {
            // A replay leaves the deflater without the history it would have: nothing else may follow it.
            if (_replay is not null) throw new InvalidOperationException("a message outside the replayed sequence");
            _recording = null;
            return Compress(message);
        }
        if (_sequenceKey is null)
        {
            _sequenceName = sequence!.Name;
            _sequenceKey = $"{sequence.Name}/w{_windowBits}/{(_noContextTakeover ? "no-" : "")}context-takeover";
            if (CompressionRecordings.TryGet(_sequenceKey, sequence.Count, out var done)) _replay = done;
            else _recording = new byte[sequence.Count][];
        }
        if (sequence!.Index != _nextIndex++) throw new InvalidOperationException($"sequence {sequence.Name}: message {sequence.Index} out of order");
        if (_replay is not null) return _replay[sequence.Index];
        var output = Compress(message);
        if (_recording is not null)
        {
            _recording[sequence.Index] = output;
            if (sequence.Index == sequence.Count - 1) CompressionRecordings.Add(_sequenceKey, _recording);
        }
        return output;
    }

    /// <summary>The message's compressed payload, without the trailing 00 00 FF FF (RFC 7692 section 7.2.1).</summary>
    public byte[] Compress(ReadOnlySpan<byte> message)
    {
        _used = true;
        byte[] flushed;
        if (_native is not null)
        {
            var output = new List<byte>(message.Length / 2 + 16);
            _native.CompressAndFlush(message, output);
            if (_noContextTakeover) _native.Reset();
            flushed = [.. output];
        }
        else
        {
            _managed ??= new DeflateStream(_sink, CompressionLevel.Fastest, leaveOpen: true);
            _managed.Write(message);
            _managed.Flush(); // a sync flush: the message ends on a byte boundary with an empty stored block
            flushed = _sink.ToArray();
            _sink.SetLength(0);
            if (_noContextTakeover) { _managed.Dispose(); _managed = null; _sink.SetLength(0); }
        }
        return flushed.AsSpan().EndsWith(SyncTail) ? flushed[..^4] : flushed;
    }

    internal static ReadOnlySpan<byte> SyncTail => [0x00, 0x00, 0xFF, 0xFF];

    public void Dispose()
    {
        _managed?.Dispose();
        _native?.Dispose();
        _sink.Dispose();
    }
}

/// <summary>Inflates whole messages for one direction. A 15-bit inflater reads streams made with any smaller window too.</summary>
public sealed class MessageDecompressor : IDisposable
{
    private readonly bool _noContextTakeover;
    private readonly FeedStream _feed = new();
    private DeflateStream? _inflater;

    public MessageDecompressor(bool noContextTakeover) => _noContextTakeover = noContextTakeover;

    /// <exception cref="InvalidDataException">The payload is not a valid deflate stream, or inflates past <paramref name="limit"/>.</exception>
    public byte[] Decompress(ReadOnlySpan<byte> payload, long limit)
    {
        _inflater ??= new DeflateStream(_feed, CompressionMode.Decompress, leaveOpen: true);
        _feed.Add(payload);
        _feed.Add(MessageCompressor.SyncTail);
        using var output = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int n;
        while ((n = _inflater.Read(buffer)) > 0)
        {
            output.Write(buffer, 0, n);
            if (output.Length > limit) throw new InvalidDataException("message inflates past the engine's limit");
        }
        if (_noContextTakeover) { _inflater.Dispose(); _inflater = null; }
        return output.ToArray();
    }

    public void Dispose()
    {
        _inflater?.Dispose();
        _feed.Dispose();
    }

    /// <summary>A read-only stream that hands out what was added and reports "no more for now" (0) when empty, so the inflater keeps its window between messages.</summary>
    private sealed class FeedStream : Stream
    {
        private readonly Queue<byte[]> _chunks = new();
        private int _offset;

        public void Add(ReadOnlySpan<byte> data) { if (!data.IsEmpty) _chunks.Enqueue(data.ToArray()); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int total = 0;
            while (total < buffer.Length && _chunks.Count > 0)
            {
                var head = _chunks.Peek();
                int n = Math.Min(buffer.Length - total, head.Length - _offset);
                head.AsSpan(_offset, n).CopyTo(buffer[total..]);
                total += n;
                _offset += n;
                if (_offset == head.Length) { _chunks.Dequeue(); _offset = 0; }
            }
            return total;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
