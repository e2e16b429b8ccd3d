using System.Buffers;
using System.Net.WebSockets;

namespace Autobahn.Runner;

/// <summary>
/// .NET's own System.Net.WebSockets.ClientWebSocket as the client under test. It is NOT our implementation: it
/// is a named alternative agent, and over HTTP/2 (<paramref name="transport"/> h2c or h2: HttpVersion 2.0, exactly)
/// the first client of WebSocket over HTTP/2 (RFC 8441) the suite tests.
/// </summary>
public sealed class ClientWebSocketEchoClient(bool compression, string transport = Autobahn.Engine.Transport.WebSocketTransports.Http11) : IEchoClient, IDisposable
{
    private readonly ClientWebSocketTransport _way = new(transport);

    public string DefaultAgent => compression ? "dotnet-clientwebsocket-deflate" : "dotnet-clientwebsocket";

    public bool OffersCompression => compression;

    public async Task RunCaseAsync(Uri caseUri, CancellationToken ct)
    {
        using var ws = new ClientWebSocket();
        if (compression) ws.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        await _way.ConnectAsync(ws, caseUri, ct).ConfigureAwait(false);
        await EchoAsync(ws, ct).ConfigureAwait(false);
    }

    /// <summary>Closes the HTTP/2 connection the cases' streams shared.</summary>
    public void Dispose() => _way.Dispose();

    /// <summary>Echoes every message with its type until the close, and answers the close with its code.</summary>
    public static async Task EchoAsync(ClientWebSocket ws, CancellationToken ct)
    {
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
