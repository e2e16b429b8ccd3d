namespace Autobahn.Runner;

/// <summary>
/// The client under test in client mode: for one case it connects to the suite's runCase URL and echoes every
/// message back (text as text, binary as binary) until the connection closes, answering the close.
/// </summary>
public interface IEchoClient
{
    /// <summary>The agent name the reports use unless --agent overrides it.</summary>
    string DefaultAgent { get; }

    /// <summary>Whether it offers permessage-deflate; then UNIMPLEMENTED in 12.x/13.x fails the run.</summary>
    bool OffersCompression { get; }

    Task RunCaseAsync(Uri caseUri, CancellationToken ct);
}

public static class EchoClients
{
    public const string WebSocketKit = "websocketkit";
    public const string ClientWebSocket = "clientwebsocket";

    public static IEchoClient Create(string name, bool compression) => name switch
    {
        ClientWebSocket => new ClientWebSocketEchoClient(compression),
        WebSocketKit => throw new RunnerException(
            "the WebSocketKit client (its Dialer) is not written yet, so client mode cannot test our client. " +
            "Use --client clientwebsocket to test .NET's System.Net.WebSockets.ClientWebSocket instead (a different agent), or --mode server."),
        _ => throw new RunnerException($"unknown echo client '{name}'; known: {WebSocketKit}, {ClientWebSocket}"),
    };
}
