using System.Text;
using WebSocketKit;
using WebSocketKit.Protocol;

namespace Examples.FileWatch;

/// <summary>
/// Shows a file in a page and keeps it current: <c>/</c> is the page, and its WebSocket at
/// <c>/ws</c> gets the file's content when it connects and again whenever the file changes.
/// </summary>
public static class FileWatchServer
{
    private static readonly Upgrader Upgrader = new();

    /// <summary>The app, listening on <paramref name="addr"/> (host:port) once started, watching <paramref name="path"/>.</summary>
    public static WebApplication Build(string addr, string path, FileWatchOptions? options = null)
    {
        var app = ExampleApp.CreateBuilder(addr).Build();
        options ??= new FileWatchOptions();
        app.MapHomePage();
        app.MapWebSocket("/ws", Upgrader, (conn, log, stopping) => WatchAsync(conn, path, options, log, stopping));
        return app;
    }

    private static async Task WatchAsync(Conn conn, string path, FileWatchOptions options, ILogger log, CancellationToken stopping)
    {
        // Pings the page and closes the connection when it stops answering (gorilla's examples
        // do this by hand with a read deadline and a pong handler; see the chat example).
        await using var keepAlive = KeepAlive.Start(conn, options.PingPeriod, options.PongWait);
        using var pageGone = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var reader = ReadUntilClosedAsync(conn, pageGone);
        try
        {
            await PushChangesAsync(conn, path, options, pageGone.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await conn.CloseAsync(CloseStatus.GoingAway, "server stopping");
        }
        catch (OperationCanceledException)
        {
            // The page went away.
        }
        catch (Exception e) when (e is ConnectionClosedException or IOException or TimeoutException)
        {
            log.LogInformation("write: {Error}", e.Message);
            conn.Abort();
        }
        await reader;
    }

    /// <summary>
    /// The page sends nothing, but a read must be pending to answer pings, see pongs and see the
    /// page's Close; <paramref name="pageGone"/> is cancelled when the connection ends.
    /// </summary>
    private static async Task ReadUntilClosedAsync(Conn conn, CancellationTokenSource pageGone)
    {
        conn.SetReadLimit(512);
        try
        {
            while (true) await conn.ReadMessageAsync();
        }
        catch (Exception e) when (e is CloseException or ConnectionClosedException or IOException or WebSocketProtocolException)
        {
        }
        finally
        {
            await pageGone.CancelAsync();
        }
    }

    /// <summary>Sends the file now, and again each time its modification time or length changes.</summary>
    private static async Task PushChangesAsync(Conn conn, string path, FileWatchOptions options, CancellationToken cancellationToken)
    {
        (DateTime, long)? sent = null;
        string? lastError = null;
        using var poll = new PeriodicTimer(options.PollPeriod);
        do
        {
            var file = new FileInfo(path);
            string? text = null;
            try
            {
                if (!file.Exists) throw new FileNotFoundException($"{path}: no such file");
                if (sent != (file.LastWriteTimeUtc, file.Length))
                {
                    sent = (file.LastWriteTimeUtc, file.Length);
                    text = await File.ReadAllTextAsync(path, cancellationToken);
                }
                lastError = null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Said once, not at every poll; the file is sent again once it is back.
                if (e.Message != lastError) text = lastError = e.Message;
                sent = null;
            }
            if (text is not null)
            {
                conn.SetWriteDeadline(DateTimeOffset.UtcNow + options.WriteWait);
                await conn.WriteMessageAsync(MessageType.Text, Encoding.UTF8.GetBytes(text), cancellationToken);
            }
        }
        while (await poll.WaitForNextTickAsync(cancellationToken));
    }
}
