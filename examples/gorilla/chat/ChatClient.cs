using System.Text;
using System.Threading.Channels;
using WebSocketKit;
using WebSocketKit.Protocol;

namespace Examples.Chat;

/// <summary>
/// One connection's go-between with the <see cref="Hub"/>: a read pump passes what the browser
/// says to the hub, a write pump sends the hub's broadcasts to the browser, and a ping loop keeps
/// the connection alive. The read pump is the connection's only reader and the write pump its only
/// data writer; pings are control frames, which <see cref="Conn.WriteControlAsync(MessageType, ReadOnlyMemory{byte}, TimeSpan, CancellationToken)"/>
/// may send beside the writer.
/// </summary>
public sealed class ChatClient
{
    private static readonly byte[] Newline = "\n"u8.ToArray();

    private readonly Hub _hub;
    private readonly Conn _conn;
    private readonly ChatOptions _options;
    private readonly ILogger _log;
    private readonly Channel<byte[]> _queue;

    /// <summary>A client for <paramref name="conn"/>, not yet registered.</summary>
    public ChatClient(Hub hub, Conn conn, ChatOptions options, ILogger log)
    {
        _hub = hub;
        _conn = conn;
        _options = options;
        _log = log;
        _queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(options.SendQueueLength) { SingleReader = true });
    }

    internal bool TryQueue(byte[] message)
    {
        if (_queue.Writer.TryWrite(message)) return true;
        _queue.Writer.TryComplete();
        return false;
    }

    internal void EndQueue() => _queue.Writer.TryComplete();

    /// <summary>Registers with the hub and runs until the connection is over; <paramref name="stopping"/> closes it (1001).</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        _hub.Register(this);
        using var pinging = new CancellationTokenSource();
        var pinger = PingAsync(pinging.Token);
        var writer = WritePumpAsync(stopping);
        await ReadPumpAsync();
        await writer;
        await pinging.CancelAsync();
        await pinger;
    }

    private async Task ReadPumpAsync()
    {
        _conn.SetReadLimit(_options.MaxMessageSize);
        // As in gorilla's chat: silence for PongWait ends the connection. Each pong (the answer to
        // our ping) moves the read deadline further away; the pong handler runs inside the read.
        _conn.SetReadDeadline(DateTimeOffset.UtcNow + _options.PongWait);
        _conn.SetPongHandler(_ =>
        {
            _conn.SetReadDeadline(DateTimeOffset.UtcNow + _options.PongWait);
            return ValueTask.CompletedTask;
        });
        try
        {
            while (true)
            {
                var (_, data) = await _conn.ReadMessageAsync();
                // One line per chat message: the write pump joins queued messages with newlines.
                string text = Encoding.UTF8.GetString(data).Replace('\n', ' ').Trim();
                _hub.Broadcast(Encoding.UTF8.GetBytes(text));
            }
        }
        catch (TimeoutException)
        {
            _log.LogInformation("read: no pong for {PongWait}", _options.PongWait);
        }
        catch (Exception e) when (!CloseMessages.IsCloseError(e, CloseStatus.NormalClosure, CloseStatus.GoingAway, CloseStatus.NoStatusReceived))
        {
            _log.LogInformation("read: {Error}", e.Message);
        }
        catch (CloseException)
        {
        }
        finally
        {
            _hub.Unregister(this);
        }
    }

    private async Task WritePumpAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var message in _queue.Reader.ReadAllAsync(stopping))
            {
                _conn.SetWriteDeadline(DateTimeOffset.UtcNow + _options.WriteWait);
                await using var writer = _conn.NextWriter(MessageType.Text);
                await writer.WriteAsync(message, stopping);
                // Whatever else is queued goes in the same WebSocket message, one line each.
                for (int more = _queue.Reader.Count; more > 0 && _queue.Reader.TryRead(out var next); more--)
                {
                    await writer.WriteAsync(Newline, stopping);
                    await writer.WriteAsync(next, stopping);
                }
            }
            // The hub ended the queue: the client left, or was too slow to keep.
            await _conn.CloseAsync(CloseStatus.NormalClosure);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await _conn.CloseAsync(CloseStatus.GoingAway, "server stopping");
        }
        catch (Exception e)
        {
            _log.LogInformation("write: {Error}", e.Message);
        }
        finally
        {
            // Ends the read pump too, if it is still waiting.
            _conn.Abort();
        }
    }

    private async Task PingAsync(CancellationToken stop)
    {
        using var ticker = new PeriodicTimer(_options.PingPeriod);
        try
        {
            while (await ticker.WaitForNextTickAsync(stop))
                await _conn.WriteControlAsync(MessageType.Ping, ReadOnlyMemory<byte>.Empty, _options.WriteWait, stop);
        }
        catch (Exception)
        {
            // Cancelled, or the connection is over: the pumps say why.
        }
    }
}
