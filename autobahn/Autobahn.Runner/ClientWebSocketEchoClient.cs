using System.Buffers;
using System.Net.WebSockets;

namespace Autobahn.Runner;

/// <summary>
/// .NET's own System.Net.WebSockets.ClientWebSocket as the client under test. It is NOT our implementation: it
/// is a named alternative agent, and over HTTP/2 (<paramref name="transport"/> h2c or h2: HttpVersion 2.0, exactly)
/// the first client of WebSocket over HTTP/2 (RFC 8441) the suite tests.
/// </summary>
public sealed class ClientWebSocketEchoClient(bool compression, string transport = Autobahn.Engine.Transport.WebSocketTransports.Http11) : IEchoClient
{
    public string DefaultAgent => compression ? "dotnet-clientwebsocket-deflate" : "dotnet-clientwebsocket";

    public bool OffersCompression => compression;

    public async Task RunCaseAsync(Uri caseUri, CancellationToken ct)
    {
        using var ws = new ClientWebSocket();
        if (compression) ws.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        using var connected = await ClientWebSocketTransport.ConnectAsync(ws, caseUri, transport, ct).ConfigureAwait(false);
        var message = new ArrayBufferWriter<byte>(64 * 1024);
        while (true)
        {
            var result = await ws.ReceiveAsync(message.GetMemory(16 * 1024), ct).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (ws.State == WebSocketState.CloseReceived)
                {
                    await ws.CloseOutputAsync(ws.CloseStatus ?? WebSocketCloseStatus.Empty, ws.CloseStatusDescription, ct).ConfigureAwait(false);
                }
                return;
            }
            message.Advance(result.Count);
            if (!result.EndOfMessage) continue;
            await ws.SendAsync(message.WrittenMemory, result.MessageType, endOfMessage: true, ct).ConfigureAwait(false);
            message.ResetWrittenCount();
        }
    }
}
