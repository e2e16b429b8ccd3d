using System.Net;
using System.Net.Sockets;
using System.Text;
using WebSocketKit.Protocol.Handshake;

namespace WebSocketKit.ClientTests;

/// <summary>
/// A hand-written server on 127.0.0.1: accepts one connection, reads the upgrade request, and
/// answers whatever the test's responder returns, to show the Dialer what no proper server sends.
/// Then it holds the socket until disposed (so a refused client sees the refusal, not a reset).
/// </summary>
internal sealed class RawServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Task _serve;
    private readonly TaskCompletionSource<Socket> _accepted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="respond">From the parsed request to the raw response bytes; null sends nothing.</param>
    /// <param name="afterResponse">What the server does with the socket afterwards (default: nothing).</param>
    public RawServer(Func<HttpRequestHead, string?> respond, Func<NetworkStream, Task>? afterResponse = null)
    {
        _listener.Start();
        _serve = ServeAsync(respond, afterResponse);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public Uri Uri(string path = "/") => new($"ws://127.0.0.1:{Port}{path}");

    /// <summary>The request the server received (set once it has arrived).</summary>
    public HttpRequestHead? Request { get; private set; }

    public Task<Socket> Accepted => _accepted.Task;

    private async Task ServeAsync(Func<HttpRequestHead, string?> respond, Func<NetworkStream, Task>? afterResponse)
    {
        using var socket = await _listener.AcceptSocketAsync(Bounds.Token());
        _accepted.TrySetResult(socket);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var buffer = new byte[16 * 1024];
        int filled = 0;
        HttpRequestHead? request;
        while (HttpHeadParser.ParseRequest(buffer.AsSpan(0, filled), HttpParseLimits.Default, out request, out _, out _) != HttpParseStatus.Complete)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(filled), Bounds.Token());
            if (n == 0) return;
            filled += n;
        }
        Request = request;
        if (respond(request!) is { } response) await stream.WriteAsync(Encoding.Latin1.GetBytes(response), Bounds.Token());
        if (afterResponse is not null) await afterResponse(stream);
        else await _stopped.Task;
    }

    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A 101 that would complete the handshake for <paramref name="request"/>, plus <paramref name="extraLines"/>.</summary>
    public static string Accept(HttpRequestHead request, string extraLines = "", string? acceptOverride = null)
        => "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
           $"Sec-WebSocket-Accept: {acceptOverride ?? WebSocketKey.ComputeAccept(request.Headers.Get("Sec-WebSocket-Key")!)}\r\n" +
           extraLines + "\r\n";

    public async ValueTask DisposeAsync()
    {
        _stopped.TrySetResult();
        _listener.Stop();
        try { await _serve.WaitAsync(Bounds.Step); }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException) { }
    }
}
