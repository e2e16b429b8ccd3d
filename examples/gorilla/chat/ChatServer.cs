using WebSocketKit;

namespace Examples.Chat;

/// <summary>
/// The chat server: <c>/</c> is the chat page, <c>/ws</c> the WebSocket every page connects to;
/// whatever one page sends, the <see cref="Hub"/> sends to all of them.
/// </summary>
public static class ChatServer
{
    private static readonly Upgrader Upgrader = new() { ReadBufferSize = 1024, WriteBufferSize = 1024 };

    /// <summary>The app, listening on <paramref name="addr"/> (host:port) once started.</summary>
    public static WebApplication Build(string addr, ChatOptions? options = null)
    {
        var builder = ExampleApp.CreateBuilder(addr);
        builder.Services.AddSingleton(options ?? new ChatOptions());
        builder.Services.AddSingleton<Hub>();
        builder.Services.AddHostedService(services => services.GetRequiredService<Hub>());
        var app = builder.Build();
        app.MapHomePage();
        var hub = app.Services.GetRequiredService<Hub>();
        var settings = app.Services.GetRequiredService<ChatOptions>();
        app.MapWebSocket("/ws", Upgrader, (conn, log, stopping) => new ChatClient(hub, conn, settings, log).RunAsync(stopping));
        return app;
    }
}
