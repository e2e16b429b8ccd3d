using System.Text;
using System.Threading.Channels;
using WebSocketKit;

namespace Examples.Tests;

/// <summary>
/// A WebSocketKit client connection with a reader always pending (as it must be, to answer
/// pings and see the server's close): text messages queue up for <see cref="NextAsync"/>, and
/// <see cref="Ended"/> completes with the error that ended the reading.
/// </summary>
internal sealed class Peer : IAsyncDisposable
{
    private readonly Channel<string> _messages = Channel.CreateUnbounded<string>();

    private Peer(Conn conn)
    {
        Conn = conn;
        Ended = Task.Run(ReadAsync);
    }

    public Conn Conn { get; }

    public Task<Exception> Ended { get; }

    /// <summary>Dials <paramref name="uri"/>; <paramref name="configure"/> runs before the first read (handlers, limits).</summary>
    public static async Task<Peer> DialAsync(Uri uri, Action<Conn>? configure = null)
    {
        var (conn, _) = await Dialer.Default.DialAsync(uri).AsTask().WaitAsync(Limits.Step);
        configure?.Invoke(conn);
        return new Peer(conn);
    }

    public async Task SendAsync(string text) => await Conn.WriteMessageAsync(MessageType.Text, Encoding.UTF8.GetBytes(text)).AsTask().WaitAsync(Limits.Step);

    /// <summary>The next text message, or a failure after <see cref="Limits.Step"/>.</summary>
    public async Task<string> NextAsync() => await _messages.Reader.ReadAsync().AsTask().WaitAsync(Limits.Step);

    /// <summary>The error that ended the connection, waiting for it at most <see cref="Limits.Step"/>.</summary>
    public Task<Exception> EndAsync() => Ended.WaitAsync(Limits.Step);

    private async Task<Exception> ReadAsync()
    {
        try
        {
            while (true)
            {
                var (_, data) = await Conn.ReadMessageAsync();
                _messages.Writer.TryWrite(Encoding.UTF8.GetString(data));
            }
        }
        catch (Exception e)
        {
            _messages.Writer.TryComplete();
            return e;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Conn.Abort();
        await Ended;
        await Conn.DisposeAsync();
    }
}
