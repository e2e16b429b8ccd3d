using Microsoft.AspNetCore.Builder;

namespace Examples.Tests;

/// <summary>
/// An example's app started on 127.0.0.1 and a free port, its page at <paramref name="Http"/>
/// (e.g. http://127.0.0.1:41234/); stopped, bounded in time, on dispose.
/// </summary>
internal sealed record ExampleHost(WebApplication App, Uri Http) : IAsyncDisposable
{
    /// <summary>The WebSocket address of <paramref name="path"/> on the same host and port.</summary>
    public Uri Ws(string path) => new UriBuilder(Http) { Scheme = "ws", Path = path }.Uri;

    /// <summary>Starts the app that <paramref name="build"/> makes for an address such as "127.0.0.1:0".</summary>
    public static async Task<ExampleHost> StartAsync(Func<string, WebApplication> build)
    {
        var app = build("127.0.0.1:0");
        await app.StartAsync().WaitAsync(Limits.Step);
        return new ExampleHost(app, new Uri(app.Urls.Single()));
    }

    public async ValueTask DisposeAsync()
    {
        // The examples close their connections when the app stops; the stop must not take long.
        await App.StopAsync().WaitAsync(Limits.Step);
        await App.DisposeAsync();
    }
}

/// <summary>How long the tests wait for anything; every wait is on an observable condition.</summary>
internal static class Limits
{
    /// <summary>The bound on one step (a start, a message, a page update).</summary>
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

    /// <summary>Waits until <paramref name="condition"/> holds, checking every 20 ms, or fails after <see cref="Step"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Step;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting until {what}");
            await Task.Delay(20);
        }
    }
}
