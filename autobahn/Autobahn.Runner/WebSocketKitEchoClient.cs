using System.Net;
using System.Net.Security;
using Autobahn.Engine.Transport;
using WebSocketKit;

namespace Autobahn.Runner;

/// <summary>
/// Our client under test: the WebSocketKit Dialer and Conn. Each message is read whole and written back with its
/// own type (text as text, binary as binary). A close from the suite ends the case: Conn answers it itself. A
/// protocol violation ends it too: Conn has already failed the connection with the right close code, and the
/// suite judges that. Over HTTP/2 (h2c, or h2 against the suite's certificate made for the run) the Dialer opens
/// each case with an extended CONNECT (RFC 8441), HTTP/2 only, its WebSockets sharing one HTTP/2 connection.
/// </summary>
public sealed class WebSocketKitEchoClient(bool compression, string transport = WebSocketTransports.Http11) : IEchoClient
{
    // Straight to the suite on the loopback: no proxy from the environment.
    private readonly Dialer _dialer = Dial(compression, transport);

    private static Dialer Dial(bool compression, string transport)
    {
        var dialer = new Dialer { EnableCompression = compression, Proxy = null };
        if (!WebSocketTransports.IsHttp2(transport)) return dialer;
        dialer.HttpVersion = HttpVersion.Version20;
        dialer.HttpVersionPolicy = System.Net.Http.HttpVersionPolicy.RequestVersionExact;
        if (transport == WebSocketTransports.H2)
            dialer.TlsOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true };
        return dialer;
    }

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
