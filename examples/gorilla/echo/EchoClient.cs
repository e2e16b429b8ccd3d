using System.Text;
using WebSocketKit;
using WebSocketKit.Protocol;

namespace Examples.Echo;

/// <summary>
/// The command-line client: sends the time every <c>period</c>, prints what comes back, and on
/// <c>stop</c> (Ctrl+C) closes the connection with the closing handshake.
/// </summary>
public static class EchoClient
{
    /// <summary>Runs until <paramref name="stop"/> is cancelled or the server closes the connection.</summary>
    public static async Task RunAsync(Uri url, TextWriter output, TimeSpan period, CancellationToken stop)
    {
        output.WriteLine($"connecting to {url}");
        var (conn, _) = await Dialer.Default.DialAsync(url, cancellationToken: stop);
        await using var _ = conn;

        // The connection allows one reader and one writer at a time: the reader gets its own task,
        // and ends the writing loop below when the connection is gone.
        using var readerDone = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var reader = ReadAsync(conn, output, readerDone);

        using var ticker = new PeriodicTimer(period);
        try
        {
            while (await ticker.WaitForNextTickAsync(readerDone.Token))
            {
                string now = DateTimeOffset.Now.ToString("O");
                await conn.WriteMessageAsync(MessageType.Text, Encoding.UTF8.GetBytes(now), readerDone.Token);
                output.WriteLine($"sent: {now}");
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            output.WriteLine("interrupted: closing");
            // Sends Close and waits for the server's (which the reader sees) and for the end of the stream.
            await conn.CloseAsync(CloseStatus.NormalClosure, "bye");
        }
        catch (OperationCanceledException)
        {
            // The reader ended first: the server closed the connection.
        }
        await reader;
    }

    private static async Task ReadAsync(Conn conn, TextWriter output, CancellationTokenSource done)
    {
        try
        {
            while (true)
            {
                var (_, data) = await conn.ReadMessageAsync();
                output.WriteLine($"recv: {Encoding.UTF8.GetString(data)}");
            }
        }
        catch (CloseException closed)
        {
            output.WriteLine($"closed: {closed.Code} {closed.Text}");
        }
        catch (Exception e) when (e is IOException or ConnectionClosedException)
        {
            output.WriteLine($"read: {e.Message}");
        }
        finally
        {
            done.Cancel();
        }
    }
}
