using WebSocketKit.Protocol;
using Xunit;

namespace WebSocketKit.ConnTests;

/// <summary>
/// A NextWriter stream used from two tasks at once gets a clear exception, never a corrupt wire:
/// a write while another is under way, or ending the message while a write is under way, is refused
/// before any of its bytes are sent.
/// </summary>
public class WriterStreamMisuseTests
{
    // More than loopback socket buffers can take while the peer does not read, so the write stays pending.
    private static readonly byte[] Large = new byte[64 << 20];

    [Fact]
    public async Task A_second_write_while_one_is_pending_is_refused_and_sends_nothing()
    {
        await using var pair = await StalledPairAsync();
        var writer = pair.Server.NextWriter(MessageType.Binary);
        var first = writer.WriteAsync(Large).AsTask();
        Assert.False(first.IsCompleted, "the first write finished although the peer reads nothing");
        // Before: the second write copied its bytes into the frame being sent (4,004,262 bytes arrived for 4,000,000).
        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync(new byte[10]).AsTask().WaitAsync(Loopback.Bound));
        Assert.False(first.IsCompleted);
        pair.Server.Abort();
        await Assert.ThrowsAnyAsync<Exception>(() => first.WaitAsync(Loopback.Bound));
    }

    [Fact]
    public async Task Ending_the_message_while_a_write_is_pending_is_refused()
    {
        await using var pair = await StalledPairAsync();
        var writer = pair.Server.NextWriter(MessageType.Binary);
        var first = writer.WriteAsync(Large).AsTask();
        Assert.False(first.IsCompleted, "the first write finished although the peer reads nothing");
        // Before: DisposeAsync sent a final frame in the middle of the message, and the peer failed with 1002.
        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.DisposeAsync().AsTask().WaitAsync(Loopback.Bound));
        Assert.True(writer.CanWrite, "the refused dispose ended the message anyway");
        pair.Server.Abort();
        await Assert.ThrowsAnyAsync<Exception>(() => first.WaitAsync(Loopback.Bound));
    }

    [Fact]
    public async Task Writes_awaited_in_turn_from_different_tasks_make_one_intact_message()
    {
        using var listener = Loopback.Listen();
        var accept = Loopback.AcceptAsync(listener);
        await using var client = await Loopback.DialAsync(listener.Port());
        await using var server = await accept;
        var read = client.ReadMessageAsync().AsTask();
        await using (var writer = server.NextWriter(MessageType.Binary))
        {
            for (int i = 0; i < 4; i++)
            {
                byte fill = (byte)i;
                await Task.Run(async () => await writer.WriteAsync(Enumerable.Repeat(fill, 100_000).ToArray()));
            }
        }
        var (_, data) = await read.WaitAsync(Loopback.Bound);
        Assert.Equal(400_000, data.Length);
        for (int i = 0; i < 4; i++) Assert.All(data.AsSpan(i * 100_000, 100_000).ToArray(), b => Assert.Equal(i, b));
    }

    private sealed record Pair(Conn Client, Conn Server) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Server.DisposeAsync();
        }
    }

    // A connected pair whose client never reads.
    private static async Task<Pair> StalledPairAsync()
    {
        using var listener = Loopback.Listen();
        var accept = Loopback.AcceptAsync(listener);
        var client = await Loopback.DialAsync(listener.Port());
        return new Pair(client, await accept);
    }
}
