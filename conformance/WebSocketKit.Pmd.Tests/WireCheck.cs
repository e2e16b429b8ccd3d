using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;
using Xunit;

namespace WebSocketKit.PmdTests;

/// <summary>The window promise, checked on captured wire bytes.</summary>
internal static class WireCheck
{
    /// <summary>
    /// Every data message <paramref name="sender"/> wrote has RSV1 and inflates, with an inflater of
    /// exactly the negotiated window and takeover mode, to the message that was meant: a
    /// back-reference beyond the window would fail the inflater.
    /// </summary>
    public static void EveryMessageCompressedWithinTheWindow(byte[] wire, Role sender, PerMessageDeflateParameters agreed, IReadOnlyList<byte[]> expected)
    {
        var messages = Wire.Messages(wire, sender);
        Assert.Equal(expected.Count, messages.Count);
        var receiver = sender == Role.Server ? Role.Client : Role.Server;
        var inflater = agreed.CreateInflater(receiver);
        Assert.Equal(agreed.WriteWindowBits(sender), inflater.WindowBits);
        for (int i = 0; i < messages.Count; i++)
        {
            Assert.True(messages[i].Compressed, $"message {i} went out without RSV1");
            Assert.True(expected[i].AsSpan().SequenceEqual(Wire.Inflate(inflater, messages[i].Payload)), $"message {i} does not inflate to what was sent");
        }
    }
}
