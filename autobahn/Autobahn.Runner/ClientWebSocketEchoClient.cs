using System.Buffers;
using System.Net.WebSockets;

namespace Autobahn.Runner;

/// <summary>
/// .NET's own System.Net.WebSockets.ClientWebSocket as the client under test. It is NOT our implementation: it
/// is a named alternative agent, useful to exercise client mode until the WebSocketKit Dialer exists.
/// </summary>
public sealed class ClientWebSocketEchoClient(bool compression) : IEchoClient
{
    public string DefaultAgent => compression ? "dotnet-clientwebsocket-deflate" : "dotnet-clientwebsocket";

    public bool OffersCompression => compression;

    public async Task RunCaseAsync(Uri caseUri, CancellationToken ct)
    {
        using var ws = new ClientWebSocket();
        if (compression) ws.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        await ws.ConnectAsync(caseUri, ct).ConfigureAwait(false);
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
