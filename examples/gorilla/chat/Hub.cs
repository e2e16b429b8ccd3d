using System.Threading.Channels;

namespace Examples.Chat;

/// <summary>
/// The set of connected clients, and the one place that broadcasts to them. Everything that
/// touches the set arrives as an event in one channel and is handled by one loop, so the set
/// needs no lock.
/// </summary>
public sealed class Hub : BackgroundService
{
    private abstract record Event;
    private sealed record Joined(ChatClient Client) : Event;
    private sealed record Left(ChatClient Client) : Event;
    private sealed record Said(byte[] Message) : Event;

    private readonly Channel<Event> _events = Channel.CreateUnbounded<Event>(new() { SingleReader = true });
    private readonly HashSet<ChatClient> _clients = [];

    /// <summary>Adds a client: it gets every broadcast from now on.</summary>
    public void Register(ChatClient client) => _events.Writer.TryWrite(new Joined(client));

    /// <summary>Removes a client and ends its send queue (its write pump then closes the connection).</summary>
    public void Unregister(ChatClient client) => _events.Writer.TryWrite(new Left(client));

    /// <summary>Queues <paramref name="message"/> for every client.</summary>
    public void Broadcast(byte[] message) => _events.Writer.TryWrite(new Said(message));

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var e in _events.Reader.ReadAllAsync(stoppingToken))
            {
                switch (e)
                {
                    case Joined(var client):
                        _clients.Add(client);
                        break;
                    case Left(var client):
                        if (_clients.Remove(client)) client.EndQueue();
                        break;
                    case Said(var message):
                        // A client whose queue is full is stuck or gone: drop it rather than wait for it.
                        _clients.RemoveWhere(client => !client.TryQueue(message));
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var client in _clients) client.EndQueue();
            _clients.Clear();
        }
    }
}
