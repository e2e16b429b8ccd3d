using System.Globalization;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Autobahn.Engine.Transport;

namespace Autobahn.Runner;

/// <summary>
/// The fuzzingserver's control endpoints (getCaseCount, updateReports) and its readiness. These are harness
/// plumbing, not the thing under test, so .NET's ClientWebSocket serves them whatever the echo client is, over the
/// transport the suite serves (HTTP/1.1, or HTTP/2 with --transport h2c|h2).
/// </summary>
public static class SuiteControl
{
    /// <summary>Waits until the suite accepts TCP connections; fails early if it exits, or at the deadline.</summary>
    public static async Task WaitForPortAsync(string host, int port, Task exited, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        while (true)
        {
            if (exited.IsCompleted) throw new RunnerException($"the suite exited before listening on {host}:{port}; its output is above (run with --verbose)");
            if (await AnswersAsync(host, port, TimeSpan.FromSeconds(1), deadline.Token).ConfigureAwait(false)) return;
            ct.ThrowIfCancellationRequested();
            if (deadline.IsCancellationRequested) throw new RunnerException($"the suite did not listen on {host}:{port} within {timeout.TotalSeconds:0}s");
            // Between probes: wake on the suite exiting or after a short pause, whichever comes first.
            await Task.WhenAny(exited, Task.Delay(TimeSpan.FromMilliseconds(250), deadline.Token)).ConfigureAwait(false);
        }
    }

    /// <summary>Whether something accepts a TCP connection at host:port within the timeout.</summary>
    public static async Task<bool> AnswersAsync(string host, int port, TimeSpan timeout, CancellationToken ct)
    {
        using var tcp = new TcpClient();
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(timeout);
        try
        {
            await tcp.ConnectAsync(host, port, attempt.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Runs a control request with its own deadline; missing it means the suite cannot be driven, so the run cannot go on.</summary>
    public static async Task<T> WithTimeout<T>(TimeSpan timeout, CancellationToken ct, Func<CancellationToken, Task<T>> action)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            return await action(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new RunnerException($"the suite's control endpoint did not answer within {timeout.TotalSeconds:0}s");
        }
    }

    public static Task WithTimeout(TimeSpan timeout, CancellationToken ct, Func<CancellationToken, Task> action) =>
        WithTimeout(timeout, ct, async t => { await action(t).ConfigureAwait(false); return true; });

    public static async Task<int> GetCaseCountAsync(Uri baseUri, CancellationToken ct, string transport = WebSocketTransports.Http11)
    {
        var text = await ReceiveUntilCloseAsync(new Uri(baseUri, "getCaseCount"), transport, ct).ConfigureAwait(false);
        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new RunnerException($"getCaseCount answered '{text}', not a number");
    }

    /// <summary>The suite's verdict of case N for the agent; the built-in engine answers once the case has ended.</summary>
    public static Task<string> GetCaseStatusAsync(Uri baseUri, int index, string agent, CancellationToken ct, string transport = WebSocketTransports.Http11) =>
        ReceiveUntilCloseAsync(new Uri(baseUri, $"getCaseStatus?case={index.ToString(CultureInfo.InvariantCulture)}&agent={Uri.EscapeDataString(agent)}"), transport, ct);

    /// <summary>The built-in engine's lanes for case N = 1..count (our addition to the protocol).</summary>
    public static async Task<List<Autobahn.Engine.Modes.ScheduledCase>> GetCaseScheduleAsync(Uri baseUri, CancellationToken ct, string transport = WebSocketTransports.Http11) =>
        Autobahn.Engine.Modes.ScheduledCase.Parse(await ReceiveUntilCloseAsync(new Uri(baseUri, "getCaseSchedule"), transport, ct).ConfigureAwait(false));

    public static Task UpdateReportsAsync(Uri baseUri, string agent, CancellationToken ct, string transport = WebSocketTransports.Http11) =>
        ReceiveUntilCloseAsync(new Uri(baseUri, "updateReports?agent=" + Uri.EscapeDataString(agent)), transport, ct);

    public static Uri RunCaseUri(Uri baseUri, int index, string agent) =>
        new(baseUri, $"runCase?case={index.ToString(CultureInfo.InvariantCulture)}&agent={Uri.EscapeDataString(agent)}");

    private static async Task<string> ReceiveUntilCloseAsync(Uri uri, string transport, CancellationToken ct)
    {
        using var way = new ClientWebSocketTransport(transport);
        using var ws = new ClientWebSocket();
        await way.ConnectAsync(ws, uri, ct).ConfigureAwait(false);
        var text = new StringBuilder();
        var buffer = new byte[4096];
        while (true)
        {
            var r = await ws.ReceiveAsync(buffer, ct).ConfigureAwait(false);
            if (r.MessageType == WebSocketMessageType.Close)
            {
                if (ws.State == WebSocketState.CloseReceived)
                {
                    await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct).ConfigureAwait(false);
                }
                return text.ToString();
            }
            text.Append(Encoding.UTF8.GetString(buffer, 0, r.Count));
        }
    }
}
