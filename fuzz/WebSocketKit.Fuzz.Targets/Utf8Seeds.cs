namespace WebSocketKit.Fuzz.Targets;

/// <summary>
/// Seeds for the utf8 target: text at every encoding length and boundary, and the classic invalid
/// forms (overlongs, surrogates, above U+10FFFF, stray continuation bytes, truncations), some cut
/// into pieces that split characters.
/// </summary>
internal static class Utf8Seeds
{
    public static IEnumerable<FuzzSeed> All()
    {
        byte[] whole = ChunkSchedule.Encode();
        byte[] byteByByte = ChunkSchedule.Encode(1);
        byte[] ragged = ChunkSchedule.Encode(2, 0, 3, 1, 5);

        yield return Seed("ascii", whole, "Hello, world"u8);
        yield return Seed("greek-kosme-bytewise", byteByByte, "κόσμε"u8);
        yield return Seed("mixed-lengths-ragged", ragged, "a\u00e9\u20ac\U0001F600z"u8);
        yield return Seed("boundaries", ragged, "\u007f\u0080\u07ff\u0800\uffff\U00010000\U0010FFFF"u8);
        yield return Seed("private-use-and-bom", whole, "\ue000\ufeff\ufffd"u8);
        yield return Seed("long-text-ragged", ChunkSchedule.Encode(0x81, 7), Repeat("WebSocket κόσμε €𝄞 "u8, 40));
        yield return Seed("empty", whole, []);
        yield return Seed("invalid-overlong-2", whole, [0x41, 0xC0, 0x80]);
        yield return Seed("invalid-overlong-3", byteByByte, [0xE0, 0x80, 0xAF]);
        yield return Seed("invalid-overlong-4", whole, [0xF0, 0x80, 0x80, 0xAF]);
        yield return Seed("invalid-surrogate", ragged, [0x61, 0xED, 0xA0, 0x80, 0x62]);
        yield return Seed("invalid-above-10ffff", whole, [0xF4, 0x90, 0x80, 0x80]);
        yield return Seed("invalid-f5", whole, [0x61, 0xF5, 0x80]);
        yield return Seed("invalid-ff", whole, [0xFF]);
        yield return Seed("invalid-lone-continuation", byteByByte, [0x61, 0x80, 0x62]);
        yield return Seed("invalid-truncated-then-ascii", whole, [0xE2, 0x82, 0x41]);
        yield return Seed("truncated-at-end", ragged, [0x61, 0xF0, 0x9F, 0x98]);
        yield return Seed("invalid-after-long-valid", ChunkSchedule.Encode(0x82), [.. Repeat("ok €"u8, 60), 0xC3, 0x28]);
    }

    private static FuzzSeed Seed(string name, byte[] schedule, ReadOnlySpan<byte> data) => new(name, [.. schedule, .. data]);

    private static byte[] Repeat(ReadOnlySpan<byte> unit, int times)
    {
        var all = new byte[unit.Length * times];
        for (int i = 0; i < times; i++) unit.CopyTo(all.AsSpan(i * unit.Length));
        return all;
    }
}
