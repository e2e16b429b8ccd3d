using Xunit;

namespace WebSocketKit.ConnTests;

/// <summary>
/// A deadline set while a read is waiting applies to that read, as gorilla's SetReadDeadline does:
/// the keep-alive pattern pushes the read deadline back from the pong handler, while the read waits.
/// </summary>
public class DeadlineTests
{
    [Fact]
    public async Task Bringing_the_read_deadline_forward_ends_a_pending_read()
    {
        var (client, server) = await PairAsync();
        await using (client)
        await using (server)
        {
            server.SetReadDeadline(DateTimeOffset.UtcNow.AddHours(1));
            var read = server.ReadMessageAsync().AsTask();
            Assert.False(read.IsCompleted);
            // Before: the pending read kept the timer it started with, an hour away.
            server.SetReadDeadline(DateTimeOffset.UtcNow.AddSeconds(-1));
            await Task.WhenAny(read, Task.Delay(Loopback.Bound));
            Assert.True(read.IsCompleted, "the pending read ignored the earlier deadline");
            await Assert.ThrowsAsync<TimeoutException>(() => read);
        }
    }

    [Fact]
    public async Task A_pong_handler_that_pushes_the_deadline_back_keeps_the_pending_read_alive()
    {
        var (client, server) = await PairAsync();
        await using (client)
        await using (server)
        {
            var firstDeadline = DateTimeOffset.UtcNow.AddMilliseconds(400);
            server.SetReadDeadline(firstDeadline);
            server.SetPongHandler(_ =>
            {
                server.SetReadDeadline(DateTimeOffset.UtcNow.AddSeconds(30));
                return ValueTask.CompletedTask;
            });
            var read = server.ReadMessageAsync().AsTask();
            await client.WriteControlAsync(MessageType.Pong, default, TimeSpan.FromSeconds(5));
            // The message is sent only once the first deadline has passed: the read must still be waiting for it.
            while (DateTimeOffset.UtcNow < firstDeadline.AddMilliseconds(300) && !read.IsCompleted) await Task.Delay(20);
            Assert.False(read.IsFaulted, read.Exception?.InnerException?.Message);
            await client.WriteMessageAsync(MessageType.Text, "still here"u8.ToArray());
            var (_, data) = await read.WaitAsync(Loopback.Bound);
            Assert.Equal("still here"u8.ToArray(), data);
        }
    }

    [Fact]
    public async Task A_deadline_years_away_is_accepted()
    {
        var (client, server) = await PairAsync();
        await using (client)
        await using (server)
        {
            // Before: a timer longer than about 49 days made the read throw ArgumentOutOfRangeException.
            server.SetReadDeadline(DateTimeOffset.UtcNow.AddYears(5));
            var read = server.ReadMessageAsync().AsTask();
            await client.WriteMessageAsync(MessageType.Binary, new byte[] { 1, 2, 3 });
            var (_, data) = await read.WaitAsync(Loopback.Bound);
            Assert.Equal(3, data.Length);
        }
    }

    private static async Task<(Conn Client, Conn Server)> PairAsync()
    {
        using var listener = Loopback.Listen();
        var accept = Loopback.AcceptAsync(listener);
        var client = await Loopback.DialAsync(listener.Port());
        return (client, await accept);
    }
}
