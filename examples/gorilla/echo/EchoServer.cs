using WebSocketKit;
using WebSocketKit.Protocol;

namespace Examples.Echo;

/// <summary>
/// A server that sends every WebSocket message back to its sender, with a page at <c>/</c> that
/// opens a connection to <c>/echo</c> and shows what goes out and what comes back.
/// </summary>
public static class EchoServer
{
    private static readonly Upgrader Upgrader = new(); // the defaults: same-origin check, 4 KiB buffers

    /// <summary>The app, listening on <paramref name="addr"/> (host:port) once started.</summary>
    public static WebApplication Build(string addr)
    {
        var app = ExampleApp.CreateBuilder(addr).Build();
        app.MapHomePage();
        app.MapWebSocket("/echo", Upgrader, EchoAsync);
        return app;
    }

    private static async Task EchoAsync(Conn conn, ILogger log, CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                var (type, data) = await conn.ReadMessageAsync(stopping);
                log.LogInformation("recv: {Message}", type == MessageType.Text ? System.Text.Encoding.UTF8.GetString(data) : $"{data.Length} bytes");
                await conn.WriteMessageAsync(type, data, stopping);
            }
        }
        catch (CloseException closed)
        {
            log.LogInformation("peer closed: {Code} {Text}", closed.Code, closed.Text);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await conn.CloseAsync(CloseStatus.GoingAway, "server stopping");
        }
    }
}
