using WebSocketKit;
using WebSocketKit.AspNetCore;

namespace Examples;

/// <summary>
/// The hosting the four examples share (compiled into each): the address option, the app on that
/// address, the embedded page, and the WebSocket endpoint.
/// </summary>
internal static class ExampleApp
{
    /// <summary>Takes <c>--addr host:port</c> off the front of <paramref name="args"/> (default localhost:8080).</summary>
    public static string Address(ref string[] args)
    {
        if (args is not ["--addr", var addr, .. var rest]) return "localhost:8080";
        args = rest;
        return addr;
    }

    /// <summary>A Kestrel app on http://<paramref name="addr"/>, logging its requests only when they go wrong.</summary>
    public static WebApplicationBuilder CreateBuilder(string addr)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://{addr}");
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        return builder;
    }

    /// <summary>Serves the project's embedded home.html at <c>/</c>.</summary>
    public static void MapHomePage(this WebApplication app)
    {
        using var stream = typeof(ExampleApp).Assembly.GetManifestResourceStream("home.html")!;
        string page = new StreamReader(stream).ReadToEnd();
        app.MapGet("/", () => Results.Content(page, "text/html; charset=utf-8"));
    }

    /// <summary>
    /// A WebSocket endpoint at <paramref name="path"/>: each request is upgraded with
    /// <paramref name="upgrader"/> and <paramref name="serve"/> runs for as long as the connection
    /// lives (the upgraded connection ends when the request does), with a logger and the token of the
    /// app stopping. A refused upgrade (400, 403 ...) is answered by the upgrade itself and logged.
    /// The endpoint takes GET (the HTTP/1.1 upgrade) and CONNECT (the HTTP/2 extended CONNECT of
    /// RFC 8441, when the app is served over HTTP/2).
    /// </summary>
    public static void MapWebSocket(this WebApplication app, string path, Upgrader upgrader,
        Func<Conn, ILogger, CancellationToken, Task> serve)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(app.Environment.ApplicationName);
        var stopping = app.Lifetime.ApplicationStopping;
        app.MapMethods(path, [HttpMethods.Get, HttpMethods.Connect], async (HttpContext context) =>
        {
            Conn conn;
            try
            {
                conn = await upgrader.UpgradeAsync(context);
            }
            catch (HandshakeException e)
            {
                log.LogInformation("upgrade refused: {Status} {Reason}", e.Status, e.Reason);
                return;
            }
            await using (conn) await serve(conn, log, stopping);
        });
    }
}
