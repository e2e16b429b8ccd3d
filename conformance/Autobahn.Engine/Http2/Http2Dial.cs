using System.Net.Security;
using System.Net.Sockets;

namespace Autobahn.Engine.Http2;

/// <summary>Opens a client connection: h2c with prior knowledge for http:// and ws://, TLS with ALPN h2 for https:// and wss://.</summary>
public static class Http2Dial
{
    public static bool IsTls(Uri target) => target.Scheme is "https" or "wss";

    /// <param name="acceptAnyCertificate">Take a self-signed or otherwise unverifiable certificate (a test server's).</param>
    public static async Task<Http2Connection> ConnectAsync(Uri target, bool acceptAnyCertificate, Http2ConnectionOptions? options, CancellationToken ct)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(target.Host, target.Port, ct);
            Stream io = tcp.GetStream();
            if (IsTls(target))
            {
                var tls = new SslStream(io, leaveInnerStreamOpen: false);
                var auth = new SslClientAuthenticationOptions
                {
                    TargetHost = target.Host,
                    ApplicationProtocols = [SslApplicationProtocol.Http2],
                };
                if (acceptAnyCertificate) auth.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
                try
                {
                    await tls.AuthenticateAsClientAsync(auth, ct);
                }
                catch (System.Security.Authentication.AuthenticationException e)
                {
                    throw new IOException($"the TLS handshake failed: {e.InnerException?.Message ?? e.Message}", e);
                }
                if (tls.NegotiatedApplicationProtocol != SslApplicationProtocol.Http2)
                {
                    throw new IOException($"the server did not choose h2 in ALPN (it chose '{tls.NegotiatedApplicationProtocol}')");
                }
                io = tls;
            }
            return await Http2Connection.StartClientAsync(io, tcp, options, ct);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }
}
