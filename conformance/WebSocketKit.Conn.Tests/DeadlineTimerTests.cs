using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace WebSocketKit.ConnTests;

/// <summary>
/// The deadline's one timer is left running between operations (so a busy connection does not change a timer per
/// message). These pin down what that must not change: every operation gets its own full bound, counted from its own
/// start, and a deadline moved while an operation waits applies to it. Time is a fake clock advanced by hand.
/// </summary>
public class DeadlineTimerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    // xunit makes a new instance per test, so each test has its own clock.
    private readonly FakeTimeProvider _time = new();

    // A deadline with the write timeout's per-operation bound, on this test's clock.
    private Deadline Bounded() => new(_time) { PerOperation = Bound };

    [Fact]
    public void An_operation_that_outlives_its_bound_is_cancelled()
    {
        var deadline = Bounded();
        var token = deadline.Begin(default, out _);
        _time.Advance(Bound - TimeSpan.FromSeconds(1));
        Assert.False(token.IsCancellationRequested);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(token.IsCancellationRequested);
    }

    [Fact]
    public void The_bound_counts_from_each_operations_own_start_not_from_the_timer_an_earlier_one_left_running()
    {
        var deadline = Bounded();
        deadline.Begin(default, out var first);
        deadline.End(first);
        _time.Advance(TimeSpan.FromSeconds(20));
        var token = deadline.Begin(default, out _);
        // The first operation's timer fires here, 10 s into the second one, which still has 20 s.
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.False(token.IsCancellationRequested);
        _time.Advance(TimeSpan.FromSeconds(14));
        Assert.False(token.IsCancellationRequested);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(token.IsCancellationRequested);
    }

    [Fact]
    public void Operations_that_end_in_time_are_never_cancelled_however_long_the_connection_runs()
    {
        var deadline = Bounded();
        for (int i = 0; i < 200; i++)
        {
            var token = deadline.Begin(default, out var link);
            _time.Advance(TimeSpan.FromSeconds(1));
            Assert.False(token.IsCancellationRequested, $"operation {i} was cancelled after 1 s of a 30 s bound");
            deadline.End(link);
        }
    }

    [Fact]
    public void An_operation_after_a_cancelled_one_gets_a_fresh_token_and_its_full_bound()
    {
        var deadline = Bounded();
        var first = deadline.Begin(default, out var link);
        _time.Advance(Bound);
        Assert.True(first.IsCancellationRequested);
        deadline.End(link);
        var second = deadline.Begin(default, out _);
        Assert.False(second.IsCancellationRequested);
        _time.Advance(Bound - TimeSpan.FromSeconds(1));
        Assert.False(second.IsCancellationRequested);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(second.IsCancellationRequested);
    }

    [Fact]
    public void A_deadline_moved_later_while_an_operation_waits_keeps_it_alive_past_the_old_one()
    {
        var deadline = new Deadline(_time);
        deadline.At = _time.GetUtcNow().AddSeconds(10);
        var token = deadline.Begin(default, out _);
        deadline.At = _time.GetUtcNow().AddSeconds(20);
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.False(token.IsCancellationRequested);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(token.IsCancellationRequested);
    }

    [Fact]
    public void A_deadline_brought_forward_while_an_operation_waits_cancels_it_at_the_new_time()
    {
        var deadline = Bounded();
        var token = deadline.Begin(default, out _);
        deadline.At = _time.GetUtcNow().AddSeconds(5);
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(token.IsCancellationRequested);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(token.IsCancellationRequested);
    }

    [Fact]
    public void The_callers_own_token_still_cancels_the_operation()
    {
        var deadline = Bounded();
        using var caller = new CancellationTokenSource();
        var token = deadline.Begin(caller.Token, out _);
        caller.Cancel();
        Assert.True(token.IsCancellationRequested);
    }
}
