// Compressed shapes for our side: our Upgrader negotiates permessage-deflate and the client Conn
// takes the agreed parameters as its last constructor argument.
using System.Runtime.CompilerServices;
using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;

namespace WebSocketKit.EchoBench;

internal static class OursCompression
{
    private static readonly PerMessageDeflateOptions Offer = new();

    [ModuleInitializer]
    internal static void Register() => OursEndpoints.CompressedConnector = ConnectAsync;

    private static async Task<Conn> ConnectAsync(int port, CancellationToken token)
    {
        var (stream, verdict, leftover) = await OursEndpoints.HandshakeAsync(port, PerMessageDeflateNegotiation.CreateOffer(Offer), token);
        var error = PerMessageDeflateNegotiation.TryAcceptResponse(verdict.Extensions is null ? [] : [verdict.Extensions], Offer, out var parameters);
        if (error != ExtensionNegotiationError.None)
        {
            await stream.DisposeAsync();
            throw new InvalidDataException("the server's permessage-deflate answer is not acceptable: " + error);
        }
        return new Conn(stream, Role.Client, null, verdict.Subprotocol, leftover, compression: parameters);
    }
}
