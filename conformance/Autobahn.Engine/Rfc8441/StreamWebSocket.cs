using System.Buffers.Binary;
using Autobahn.Engine.Http2;
using Autobahn.Engine.Wire;

namespace Autobahn.Engine.Rfc8441;

/// <summary>What came next on a WebSocket carried by a stream: a whole message, a close frame, or the stream's end.</summary>
public sealed record WebSocketEvent(int Opcode, byte[] Payload, StreamEnd? End = null)
{
    /// <summary>A frame of it carried a mask (which a server must never send, RFC 6455 §5.1; RFC 8441 keeps the framing).</summary>
    public bool Masked { get; init; }

    public bool IsMessage => End is null && Opcode is 1 or 2;
    public bool IsClose => End is null && Opcode == 8;
    public int? CloseCode => IsClose && Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : null;

    public override string ToString() => End is { } e ? e.ToString()
        : IsClose ? $"close {(CloseCode is { } c ? c.ToString() : "with no code")}"
        : $"{(Opcode == 1 ? "text" : Opcode == 2 ? "binary" : $"opcode {Opcode}")} message of {Payload.Length} octets";
}

/// <summary>
/// A WebSocket (RFC 6455 framing, the engine's own codec) inside the DATA of one HTTP/2 stream (RFC 8441 §5).
/// The client side masks what it sends; pings are answered; fragments are joined into messages.
/// </summary>
public sealed class StreamWebSocket(Http2Connection connection, Http2Stream stream, bool isClient)
{
    private readonly FrameReader _reader = new() { MaxPayload = 16 * 1024 * 1024 };

    public Http2Connection Connection => connection;
    public Http2Stream Stream => stream;

    public Task SendAsync(int opcode, byte[] payload, CancellationToken ct, bool fin = true) =>
        connection.SendDataAsync(stream, Encode(opcode, payload, fin), false, ct);

    public Task SendTextAsync(string text, CancellationToken ct) => SendAsync(1, System.Text.Encoding.UTF8.GetBytes(text), ct);

    public Task SendCloseAsync(int code, CancellationToken ct)
    {
        var body = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(body, (ushort)code);
        return SendAsync(8, body, ct);
    }

    /// <summary>The octets of one frame as this side sends it.</summary>
    public byte[] Encode(int opcode, ReadOnlySpan<byte> payload, bool fin = true) =>
        FrameWriter.Encode(opcode, payload, fin, 0, isClient ? FrameWriter.NewMask() : null);

    /// <summary>The next message, close frame or end of stream; pings are answered on the way.</summary>
    /// <exception cref="InvalidDataException">A frame the engine's codec cannot take (over its size limit).</exception>
    public async Task<WebSocketEvent> ReceiveAsync(CancellationToken ct)
    {
        int opcode = 0;
        bool masked = false;
        var parts = new List<byte[]>();
        while (true)
        {
            while (_reader.TryRead() is { } frame)
            {
                switch (frame.Opcode)
                {
                    case 9:
                        await SendAsync(10, frame.Payload, ct);
                        continue;
                    case 10:
                        continue;
                    case 8:
                        return new WebSocketEvent(8, frame.Payload) { Masked = frame.Mask is not null };
                    case 0 when opcode == 0:
                    case >= 3 and not 8 and not 9 and not 10:
                        // Not a message this side can join: report it as it is.
                        return new WebSocketEvent(frame.Opcode, frame.Payload) { Masked = frame.Mask is not null };
                }
                if (frame.Opcode != 0) opcode = frame.Opcode;
                masked |= frame.Mask is not null;
                parts.Add(frame.Payload);
                if (frame.Fin) return new WebSocketEvent(opcode, [.. parts.SelectMany(p => p)]) { Masked = masked };
            }
            if (await stream.ReadAsync(ct) is not { } data) return new WebSocketEvent(-1, [], await stream.Ended);
            _reader.Append(data);
        }
    }
}
