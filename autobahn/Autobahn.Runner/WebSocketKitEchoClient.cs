using WebSocketKit;

namespace Autobahn.Runner;

/// <summary>
/// Our client under test: the WebSocketKit Dialer and Conn. Each message is read whole and written back with its
/// own type (text as text, binary as binary). A close from the suite ends the case: Conn answers it itself. A
/// protocol violation ends it too: Conn has already failed the connection with the right close code, and the
/// suite judges that.
/// </summary>
public sealed class WebSocketKitEchoClient(bool compression) : IEchoClient
{
    // Straight to the suite on the loopback: no proxy from the environment.
    private readonly Dialer _dialer = new() { EnableCompression = compression, Proxy = null };

    public string DefaultAgent => "websocketkit-client";

    public bool OffersCompression => compression;

    public async Task RunCaseAsync(Uri caseUri, CancellationToken ct)
    {
        var (conn, _) = await _dialer.DialAsync(caseUri, cancellationToken: ct).ConfigureAwait(false);
        await using (conn.ConfigureAwait(false))
        {
            using var message = new ArrayPoolBufferWriter();
            try
            {
                while (true)
                {
                    var type = await conn.ReadMessageAsync(message, ct).ConfigureAwait(false);
                    await conn.WriteMessageAsync(type, message.WrittenMemory, ct).ConfigureAwait(false);
                    message.Clear();
                }
            }
            catch (Exception ex) when (ex is CloseException or WebSocketProtocolException or ConnectionClosedException)
            {
                // The connection is over; how it ended is the suite's to judge.
            }
        }
    }
}
