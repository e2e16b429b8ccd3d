namespace WebSocketKit.Protocol;

/// <summary>
/// The 4-bit frame opcode of RFC 6455 section 5.2. Values 3-7 and 11-15 are reserved
/// and never appear here: the decoder rejects them as a protocol error.
/// </summary>
public enum Opcode : byte
{
    /// <summary>A later fragment of a message started by a Text or Binary frame.</summary>
    Continuation = 0x0,
    /// <summary>The first frame of a text message; the whole message must be UTF-8.</summary>
    Text = 0x1,
    /// <summary>The first frame of a binary message.</summary>
    Binary = 0x2,
    /// <summary>Starts the closing handshake; may carry a status code and reason.</summary>
    Close = 0x8,
    /// <summary>Asks the peer for a Pong with the same payload.</summary>
    Ping = 0x9,
    /// <summary>Answers a Ping, or acts as an unsolicited heartbeat.</summary>
    Pong = 0xA,
}

/// <summary>Helpers over <see cref="Opcode"/>.</summary>
public static class Opcodes
{
    /// <summary>Control frames have the high bit of the opcode set (0x8-0xF).</summary>
    public static bool IsControl(Opcode opcode) => ((byte)opcode & 0x8) != 0;

    /// <summary>True for the six opcodes RFC 6455 defines; false for the reserved ones.</summary>
    public static bool IsDefined(int opcode) => opcode is 0 or 1 or 2 or 8 or 9 or 10;
}
