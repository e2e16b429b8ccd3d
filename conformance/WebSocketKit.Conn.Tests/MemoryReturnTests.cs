using WebSocketKit.EchoServer;
using Xunit;

namespace WebSocketKit.ConnTests;

/// <summary>
/// The echo server's memory return: one collection after the open count has moved by at least
/// <see cref="MemoryReturn.MinimumChange"/> and then held still, none for smaller churn.
/// </summary>
public class MemoryReturnTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_burst_of_opens_then_of_closes_each_brings_one_collection_once_the_count_holds_still()
    {
        int open = 0, collections = 0;
        var collected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var memory = new MemoryReturn(() => Volatile.Read(ref open), () =>
        {
            Interlocked.Increment(ref collections);
            collected.TrySetResult();
        }, quiet: TimeSpan.FromMilliseconds(50));

        for (int i = 1; i <= MemoryReturn.MinimumChange; i++)
        {
            Volatile.Write(ref open, i);
            memory.Observe(i);
        }
        Assert.True(memory.Armed);
        await collected.Task.WaitAsync(Bound);
        Assert.False(memory.Armed);
        Assert.Equal(1, Volatile.Read(ref collections));

        // The count the collection saw is the new reference: staying there arms nothing.
        memory.Observe(MemoryReturn.MinimumChange);
        Assert.False(memory.Armed);

        collected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (int i = MemoryReturn.MinimumChange - 1; i >= 0; i--)
        {
            Volatile.Write(ref open, i);
            memory.Observe(i);
        }
        await collected.Task.WaitAsync(Bound);
        Assert.False(memory.Armed);
        Assert.Equal(2, Volatile.Read(ref collections));
    }

    [Fact]
    public void Churn_below_the_minimum_change_arms_nothing()
    {
        using var memory = new MemoryReturn(() => 0, () => throw new InvalidOperationException("no collection expected"));
        for (int i = 0; i < MemoryReturn.MinimumChange; i++) memory.Observe(i);
        for (int i = MemoryReturn.MinimumChange - 1; i >= 0; i--) memory.Observe(i);
        Assert.False(memory.Armed);
    }
}
