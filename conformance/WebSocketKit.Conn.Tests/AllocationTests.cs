using Xunit;
using Xunit.Abstractions;

namespace WebSocketKit.ConnTests;

[CollectionDefinition(nameof(Measurements), DisableParallelization = true)]
public class Measurements;

/// <summary>
/// Steady-state messaging allocates nothing per message: measured over many loopback round trips
/// with the whole process's allocation counter (continuations hop threads, so a per-thread counter
/// would miss them). Runs alone, after the parallel tests.
/// </summary>
[Collection(nameof(Measurements))]
public class AllocationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(16, false), InlineData(1000, false), InlineData(60_000, false), InlineData(16, true), InlineData(1000, true)]
    public async Task An_echo_round_trip_allocates_nothing_per_message_in_steady_state(int size, bool pipelinedAndDeferred)
    {
        var (server, client) = await Loopback.PairAsync();
        await using var _ = server;
        await using var __ = client;
        var payload = new byte[size];
        var serverBuf = new ArrayPoolBufferWriter();
        var clientBuf = new ArrayPoolBufferWriter();
        async Task RoundTrips(int n)
        {
            // Pipelined: 25 messages out before the first echo is read, the server answering with WriteMessageDeferredAsync.
            if (pipelinedAndDeferred)
            {
                const int Batch = 25;
                for (int i = 0; i < n; i += Batch)
                {
                    for (int k = 0; k < Batch; k++) await client.WriteMessageAsync(MessageType.Binary, payload);
                    for (int k = 0; k < Batch; k++)
                    {
                        var t = await server.ReadMessageAsync(serverBuf);
                        await server.WriteMessageDeferredAsync(t, serverBuf.WrittenMemory);
                        serverBuf.Clear();
                    }
                    for (int k = 0; k < Batch; k++)
                    {
                        await client.ReadMessageAsync(clientBuf);
                        clientBuf.Clear();
                    }
                }
                return;
            }
            for (int i = 0; i < n; i++)
            {
                await client.WriteMessageAsync(MessageType.Binary, payload);
                var t = await server.ReadMessageAsync(serverBuf);
                await server.WriteMessageAsync(t, serverBuf.WrittenMemory);
                serverBuf.Clear();
                await client.ReadMessageAsync(clientBuf);
                clientBuf.Clear();
            }
        }
        await RoundTrips(500); // warm up: JIT, pools, socket event args
        // Background tier-1 recompilation allocates too, and is counted: the quietest of a few
        // rounds shows what the messaging itself costs.
        const int N = 2000;
        double perMessage = double.MaxValue;
        for (int round = 0; round < 4; round++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            await RoundTrips(N);
            long after = GC.GetTotalAllocatedBytes(precise: true);
            double thisRound = (after - before) / (2.0 * N);
            output.WriteLine($"{size} B messages{(pipelinedAndDeferred ? ", pipelined, deferred answers" : "")}, round {round}: {after - before} bytes over {2 * N} messages = {thisRound:F2} B/message (both ends, whole process)");
            perMessage = Math.Min(perMessage, thisRound);
        }
        // Not zero in absolute terms: the runtime's pooled async boxes and thread-pool bookkeeping
        // allocate now and then. A per-message allocation (a byte[], a Task, a state machine box)
        // would be 24 bytes or more on every message.
        Assert.True(perMessage < 16, $"{perMessage:F2} bytes per message");
    }
}
