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

    public static IEchoClient Create(string name, bool compression, string transport = Autobahn.Engine.Transport.WebSocketTransports.Http11)
    {
        switch (name)
        {
            case ClientWebSocket:
                return new ClientWebSocketEchoClient(compression, transport);
            case WebSocketKit:
                return new WebSocketKitEchoClient(compression, transport);
            default:
                throw new RunnerException($"unknown echo client '{name}'; known: {WebSocketKit}, {ClientWebSocket}");
        }
    }
}
