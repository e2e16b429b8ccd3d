using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using WebSocketKit;
using WebSocketKit.Protocol;

namespace Examples.Command;

/// <summary>
/// Runs a command for each WebSocket connection: each message from the page is a line of the
/// process's standard input, each line of its standard output and standard error is a message
/// to the page. When the page goes away the process's input is closed (and, if it does not
/// exit then, it is killed); when the process exits, the connection is closed.
/// </summary>
public static class CommandServer
{
    private static readonly Upgrader Upgrader = new();

    /// <summary>The app, listening on <paramref name="addr"/> (host:port) once started.</summary>
    public static WebApplication Build(string addr, string command, IReadOnlyList<string> arguments, CommandOptions? options = null)
    {
        var app = ExampleApp.CreateBuilder(addr).Build();
        var run = new ProcessStartInfo(command, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        options ??= new CommandOptions();
        app.MapHomePage();
        app.MapWebSocket("/ws", Upgrader, (conn, log, stopping) => RunAsync(conn, run, options, log, stopping));
        return app;
    }

    private static async Task RunAsync(Conn conn, ProcessStartInfo run, CommandOptions options, ILogger log, CancellationToken stopping)
    {
        using var process = new Process { StartInfo = run };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            log.LogError("start {Command}: {Error}", run.FileName, e.Message);
            await conn.WriteMessageAsync(MessageType.Text, "Internal server error."u8.ToArray());
            await conn.CloseAsync(CloseStatus.InternalServerError);
            return;
        }
        log.LogInformation("started {Command} as process {Id}", run.FileName, process.Id);

        var output = PumpOutputAsync(conn, process, options);
        await PumpInputAsync(conn, process, options, stopping);

        // Many commands end when their input ends; the others are killed after a grace period.
        try { process.StandardInput.Close(); }
        catch (IOException) { } // the process is gone already
        using (var grace = new CancellationTokenSource(options.ExitGrace))
        {
            try { await process.WaitForExitAsync(grace.Token); }
            catch (OperationCanceledException) { process.Kill(entireProcessTree: true); }
        }
        await process.WaitForExitAsync();
        log.LogInformation("process {Id} exited with {Code}", process.Id, process.ExitCode);
        await output;
    }

    /// <summary>The page's messages, each a line of the process's input, until the page or the process goes away.</summary>
    private static async Task PumpInputAsync(Conn conn, Process process, CommandOptions options, CancellationToken stopping)
    {
        conn.SetReadLimit(options.MaxMessageSize);
        var input = process.StandardInput;
        try
        {
            while (true)
            {
                var (_, data) = await conn.ReadMessageAsync(stopping);
                await input.WriteAsync(Encoding.UTF8.GetString(data) + "\n");
                await input.FlushAsync(stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await conn.CloseAsync(CloseStatus.GoingAway, "server stopping");
        }
        catch (Exception e) when (e is CloseException or ConnectionClosedException or IOException or WebSocketProtocolException or TimeoutException)
        {
            // The page closed, the connection failed, or the process stopped reading.
        }
    }

    /// <summary>Every line the process writes (output and errors), each as a message, then the close.</summary>
    private static async Task PumpOutputAsync(Conn conn, Process process, CommandOptions options)
    {
        // Two readers, one writer: the connection takes one data writer at a time.
        var lines = Channel.CreateUnbounded<string>(new() { SingleReader = true });
        var readers = Task.WhenAll(ReadLinesAsync(process.StandardOutput), ReadLinesAsync(process.StandardError))
            .ContinueWith(_ => lines.Writer.TryComplete(), TaskScheduler.Default);
        try
        {
            await foreach (var line in lines.Reader.ReadAllAsync())
            {
                conn.SetWriteDeadline(DateTimeOffset.UtcNow + options.WriteWait);
                await conn.WriteMessageAsync(MessageType.Text, Encoding.UTF8.GetBytes(line));
            }
            // The process closed its output (it has exited): tell the page.
            await conn.CloseAsync(CloseStatus.NormalClosure, "process exited");
        }
        catch (Exception e) when (e is ConnectionClosedException or IOException or TimeoutException or OperationCanceledException)
        {
            conn.Abort(); // ends the input pump as well
        }
        await readers;

        async Task ReadLinesAsync(StreamReader reader)
        {
            while (await reader.ReadLineAsync() is { } line) await lines.Writer.WriteAsync(line);
        }
    }
}
