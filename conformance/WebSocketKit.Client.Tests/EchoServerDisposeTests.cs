using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Handshake;
using Xunit;

namespace WebSocketKit.ClientTests;

/// <summary>
/// Disposing the echo server while connections are arriving, handshaking and echoing never lets
/// a serving task touch the disposed stop signal.
/// </summary>
public class EchoServerDisposeTests
{
    private const int Cycles = 40;
    private const int ClientsPerCycle = 6;

    [Fact]
    public async Task Disposing_with_connections_in_flight_never_surfaces_ObjectDisposedException()
    {
        var log = new RecordingLogger();
        await AssertNoDisposedStopSignalAsync(log, async () =>
        {
            for (int cycle = 0; cycle < Cycles; cycle++)
            {
                var server = new WebSocketKit.EchoServer.EchoServer(0, new Upgrader { ConnectionOptions = new ConnectionOptions { Logger = log } }, log);
                server.Start();
                // Clients at every stage: echoing, mid-handshake, and just connected.
                var clients = Enumerable.Range(0, ClientsPerCycle).Select(i => ClientAsync(server.Port, i % 3)).ToArray();
                if (cycle % 2 == 0) await Task.WhenAny(clients);
                await server.DisposeAsync().AsTask().WaitAsync(Bounds.Step);
                await Task.WhenAll(clients).WaitAsync(Bounds.Step);
            }
        });
    }

    [Fact]
    public async Task A_handshake_finishing_while_the_server_is_disposed_does_not_touch_the_disposed_stop_signal()
    {
        // The server's logger holds the second handshake just after its 101 is written, until
        // disposal has visibly begun (the first connection is aborted): the serving task then
        // goes on while, or after, the server is disposed.
        using var hold = new ManualResetEventSlim();
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new RecordingLogger(line =>
        {
            if (!line.StartsWith("websocket: upgraded /held", StringComparison.Ordinal)) return;
            held.TrySetResult();
            hold.Wait(Bounds.Step);
        });
        await AssertNoDisposedStopSignalAsync(log, async () =>
        {
            var server = new WebSocketKit.EchoServer.EchoServer(0, new Upgrader { ConnectionOptions = new ConnectionOptions { Logger = log } }, log);
            server.Start();
            var (first, _) = await new Dialer().DialAsync(new Uri($"ws://127.0.0.1:{server.Port}/"), cancellationToken: Bounds.Token());
            var second = new Dialer().DialAsync(new Uri($"ws://127.0.0.1:{server.Port}/held"), cancellationToken: Bounds.Token()).AsTask();
            await held.Task.WaitAsync(Bounds.Step);
            var disposing = server.DisposeAsync().AsTask();
            await Assert.ThrowsAnyAsync<Exception>(async () => await first.ReadMessageAsync(Bounds.Token()));
            hold.Set();
            await disposing.WaitAsync(Bounds.Step);
            var (conn, _) = await second.WaitAsync(Bounds.Step);
            await Assert.ThrowsAnyAsync<Exception>(async () => await conn.ReadMessageAsync(Bounds.Token()));
            await first.DisposeAsync();
            await conn.DisposeAsync();
        });
    }

    // Runs the scenario, then lets the finalizer report faulted tasks nobody awaited (the serving
    // tasks are fire-and-forget): neither they nor the log may show the disposed stop signal.
    private static async Task AssertNoDisposedStopSignalAsync(RecordingLogger log, Func<Task> scenario)
    {
        var unobserved = new List<Exception>();
        EventHandler<UnobservedTaskExceptionEventArgs> onUnobserved = (_, e) => { lock (unobserved) unobserved.AddRange(e.Exception.InnerExceptions); };
        TaskScheduler.UnobservedTaskException += onUnobserved;
        try
        {
            await scenario();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= onUnobserved;
        }
        lock (unobserved) Assert.DoesNotContain(unobserved, e => e is ObjectDisposedException);
        Assert.DoesNotContain(log.Lines, l => l.Contains("CancellationTokenSource", StringComparison.Ordinal));
    }

    // Kind 0 echoes a message, 1 sends half a request, 2 only connects. Errors are expected: the
    // server goes away under them.
    private static async Task ClientAsync(int port, int kind)
    {
        try
        {
            using var tcp = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
            await tcp.ConnectAsync(IPAddress.Loopback, port, Bounds.Token());
            var stream = tcp.GetStream();
            if (kind == 2) return;
            var request = ClientHandshake.BuildRequest($"127.0.0.1:{port}", "/", WebSocketKey.NewKey());
            if (kind == 1)
            {
                await stream.WriteAsync(request.AsMemory(0, request.Length / 2), Bounds.Token());
                return;
            }
            await stream.WriteAsync(request, Bounds.Token());
            var buffer = new byte[1024];
            int filled = 0;
            HttpParseStatus status;
            int consumed;
            do
            {
                int n = await stream.ReadAsync(buffer.AsMemory(filled), Bounds.Token());
                if (n == 0) return;
                filled += n;
                status = HttpHeadParser.ParseResponse(buffer.AsSpan(0, filled), HttpParseLimits.Default, out _, out consumed, out _);
            } while (status == HttpParseStatus.Incomplete);
            await using var conn = new Conn(stream, Role.Client, bufferedInput: buffer.AsSpan(consumed, filled - consumed));
            await conn.WriteMessageAsync(MessageType.Text, "hi"u8.ToArray(), Bounds.Token());
            await conn.ReadMessageAsync(Bounds.Token());
        }
        catch (Exception e) when (e is IOException or SocketException or CloseException or ConnectionClosedException or OperationCanceledException) { }
    }

    private sealed class RecordingLogger(Action<string>? onLine = null) : ILogger
    {
        private readonly List<string> _lines = new();

        public IReadOnlyList<string> Lines { get { lock (_lines) return [.. _lines]; } }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string line = formatter(state, exception) + (exception is null ? "" : " " + exception);
            lock (_lines) _lines.Add(line);
            onLine?.Invoke(line);
        }
    }
}
