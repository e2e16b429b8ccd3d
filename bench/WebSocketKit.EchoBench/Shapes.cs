using System.Diagnostics;

namespace WebSocketKit.EchoBench;

/// <summary>
/// The measured loops. Each returns named figures for one run; connection set-up is outside the
/// timed part. Bytes allocated are the whole process's (both ends run here), divided by the
/// messages echoed: one echo is a client write, a server read, a server write and a client read.
/// </summary>
internal static class Shapes
{
    public static async Task<Dictionary<string, double>> RoundTripsAsync(IEchoClient client, byte[][] messages, int count, CancellationToken token)
    {
        var buf = new byte[MaxLength(messages)];
        var latencies = new long[count];
        await WarmAsync(client, messages, buf, token);
        var cpu = CpuClock.Start();
        long allocBefore = GC.GetTotalAllocatedBytes(true);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            var m = messages[i % messages.Length];
            long t0 = Stopwatch.GetTimestamp();
            await client.SendAsync(m, token);
            int n = await client.ReceiveAsync(buf, m.Length, token);
            latencies[i] = Stopwatch.GetTimestamp() - t0;
            if (n != m.Length) throw new InvalidDataException($"echo of {m.Length} bytes came back as {n}");
        }
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        long allocated = GC.GetTotalAllocatedBytes(true) - allocBefore;
        Array.Sort(latencies);
        double usPerTick = 1e6 / Stopwatch.Frequency;
        return new()
        {
            ["rt/s"] = count / seconds,
            ["p50 µs"] = latencies[count / 2] * usPerTick,
            ["p99 µs"] = latencies[(int)(count * 0.99)] * usPerTick,
            ["CPU µs/msg"] = cpu.MicrosecondsPer(count),
            ["CPU kernel µs/msg"] = cpu.KernelMicrosecondsPer(count),
            ["alloc B/msg"] = (double)allocated / count,
        };
    }

    /// <summary>
    /// A writer task sends <paramref name="count"/> messages while a reader task reads as many echoes.
    /// <paramref name="wireBytes"/>, when given, reads how many bytes the server has received so far.
    /// </summary>
    public static async Task<Dictionary<string, double>> PipelinedAsync(IEchoClient client, byte[][] messages, int count, CancellationToken token, Func<long>? wireBytes = null)
    {
        var buf = new byte[MaxLength(messages)];
        long bytes = 0;
        for (int i = 0; i < count; i++) bytes += messages[i % messages.Length].Length;
        await WarmAsync(client, messages, buf, token);
        long wireBefore = wireBytes?.Invoke() ?? 0;
        var cpu = CpuClock.Start();
        long allocBefore = GC.GetTotalAllocatedBytes(true);
        long start = Stopwatch.GetTimestamp();
        var writer = Task.Run(async () =>
        {
            for (int i = 0; i < count; i++) await client.SendAsync(messages[i % messages.Length], token);
        }, token);
        for (int i = 0; i < count; i++)
        {
            var m = messages[i % messages.Length];
            int n = await client.ReceiveAsync(buf, m.Length, token);
            if (n != m.Length) throw new InvalidDataException($"echo of {m.Length} bytes came back as {n}");
        }
        await writer;
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        long allocated = GC.GetTotalAllocatedBytes(true) - allocBefore;
        var figures = new Dictionary<string, double>
        {
            ["msgs/s"] = count / seconds,
            ["MB/s"] = bytes / seconds / 1e6,
            ["CPU µs/msg"] = cpu.MicrosecondsPer(count),
            ["CPU kernel µs/msg"] = cpu.KernelMicrosecondsPer(count),
            ["alloc B/msg"] = (double)allocated / count,
        };
        // Every echo's request has fully arrived at the server once its reply is read, so the count is complete.
        if (wireBytes is not null) figures["wire B/msg"] = (double)(wireBytes() - wireBefore) / count;
        return figures;
    }

    /// <summary>Every client does <paramref name="perClient"/> round trips at once; the figure is the aggregate.</summary>
    public static async Task<Dictionary<string, double>> ConcurrentAsync(IEchoClient[] clients, byte[][] messages, int perClient, CancellationToken token)
    {
        var cpu = CpuClock.Start();
        long start = Stopwatch.GetTimestamp();
        await Task.WhenAll(clients.Select(c => Task.Run(async () =>
        {
            var buf = new byte[MaxLength(messages)];
            for (int i = 0; i < perClient; i++)
            {
                var m = messages[i % messages.Length];
                await c.SendAsync(m, token);
                if (await c.ReceiveAsync(buf, m.Length, token) != m.Length) throw new InvalidDataException("short echo");
            }
        }, token)));
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        int messagesEchoed = clients.Length * perClient;
        return new()
        {
            ["msgs/s"] = messagesEchoed / seconds,
            ["CPU µs/msg"] = cpu.MicrosecondsPer(messagesEchoed),
            ["CPU kernel µs/msg"] = cpu.KernelMicrosecondsPer(messagesEchoed),
        };
    }

    /// <summary>
    /// Managed heap held per idle connection: the GC heap after a full collection with
    /// <paramref name="count"/> connections open (client and server objects both in this process,
    /// handshake done, no read pending), minus the heap before they were opened, divided by count.
    /// Kernel socket buffers are not managed memory and are not counted.
    /// </summary>
    public static async Task<Dictionary<string, double>> IdleAsync(Impl clientImpl, Impl serverImpl, int count, CancellationToken token)
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var server = new EchoServer(serverImpl, compress: false, echo: false);
        var clients = await Clients.ConnectManyAsync(clientImpl, server.Port, false, count, token);
        await server.WaitHeldAsync(count, token);
        long after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(clients);
        await Clients.DisposeAllAsync(clients);
        await server.DisposeAsync();
        return new() { ["B/conn"] = (double)(after - before) / count };
    }

    // Room past the largest message: a reader may ask for buffer space once more at a message's end.
    private static int MaxLength(byte[][] messages) => messages.Max(m => m.Length) + 4096;

    // Grows every buffer on both ends to its steady size, so the timed part sees steady state.
    private static async Task WarmAsync(IEchoClient client, byte[][] messages, byte[] buf, CancellationToken token)
    {
        foreach (var m in messages)
        {
            await client.SendAsync(m, token);
            if (await client.ReceiveAsync(buf, m.Length, token) != m.Length) throw new InvalidDataException("short echo");
        }
    }
}

/// <summary>
/// CPU time the whole process (both ends, the runtime's threads included) spends, user and kernel:
/// what an echo costs whatever the scheduler does with the waits, so it is steadier than the rates.
/// </summary>
internal readonly struct CpuClock
{
    private readonly TimeSpan _start;
    private readonly TimeSpan _kernelStart;
    private readonly long _wallStart;
    private CpuClock(TimeSpan start, TimeSpan kernelStart, long wallStart) => (_start, _kernelStart, _wallStart) = (start, kernelStart, wallStart);

    public static CpuClock Start()
    {
        var usage = Environment.CpuUsage;
        return new(usage.TotalTime, usage.PrivilegedTime, Stopwatch.GetTimestamp());
    }

    public double MicrosecondsPer(long messages) => (Environment.CpuUsage.TotalTime - _start).TotalMicroseconds / messages;

    /// <summary>The kernel's part of <see cref="MicrosecondsPer"/> (system calls, and the TCP work the kernel does inside them).</summary>
    public double KernelMicrosecondsPer(long messages) => (Environment.CpuUsage.PrivilegedTime - _kernelStart).TotalMicroseconds / messages;

    /// <summary>The CPU time since the start over the wall time since the start: the share of one CPU the process used.</summary>
    public double Share() => (Environment.CpuUsage.TotalTime - _start).TotalSeconds / Stopwatch.GetElapsedTime(_wallStart).TotalSeconds;
}
