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
            case WebSocketKit when Autobahn.Engine.Transport.WebSocketTransports.IsHttp2(transport):
                // Our Dialer gains HTTP/2 with extended CONNECT on branch h2lib; until then it cannot be tested over h2.
                throw new RunnerException($"the {WebSocketKit} client does not speak HTTP/2 yet: --transport {transport} needs --client {ClientWebSocket} or an outside client");
            case WebSocketKit:
                return new WebSocketKitEchoClient(compression);
            default:
                throw new RunnerException($"unknown echo client '{name}'; known: {WebSocketKit}, {ClientWebSocket}");
        }
    }
}
