using System.Net.Security;
using System.Net.Sockets;
using System.Reflection;

namespace WebSocketKit;

/// <summary>
/// Finds the socket under a stream, looking through the wrappers whose inner stream can be seen:
/// <see cref="SslStream"/> and other <see cref="AuthenticatedStream"/>s, and <see cref="BufferedStream"/>.
/// A stream of another kind (a pipe, Kestrel's upgraded stream) has no socket we can reach.
/// </summary>
internal static class StreamSockets
{
    // A wrapper of a wrapper of ... is bounded, so a stream that wraps itself cannot loop us.
    private const int MaxDepth = 8;

    // AuthenticatedStream.InnerStream is a documented protected property; reading it through its
    // getter is the only way to see what an SslStream wraps. Named statically, so trimming keeps it.
    private static readonly Func<AuthenticatedStream, Stream>? InnerOfAuthenticated =
        typeof(AuthenticatedStream).GetProperty("InnerStream", BindingFlags.Instance | BindingFlags.NonPublic)?.GetMethod
            ?.CreateDelegate<Func<AuthenticatedStream, Stream>>();

    /// <summary>The socket under <paramref name="stream"/>, or null when there is none to see.</summary>
    public static Socket? Find(Stream stream)
    {
        Stream? s = stream;
        for (int depth = 0; depth < MaxDepth; depth++)
        {
            switch (s)
            {
                case NetworkStream ns: return ns.Socket;
                case AuthenticatedStream auth: s = InnerOfAuthenticated?.Invoke(auth); break;
                case BufferedStream buffered: s = buffered.UnderlyingStream; break;
                default: return null;
            }
        }
        return null;
    }
}
