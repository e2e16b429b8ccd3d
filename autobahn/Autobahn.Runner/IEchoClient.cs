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

    /// <summary>The named client; <paramref name="warn"/> hears when a stand-in is used instead.</summary>
    public static IEchoClient Create(string name, bool compression, Action<string> warn)
    {
        switch (name)
        {
            case ClientWebSocket:
                return new ClientWebSocketEchoClient(compression);
            case WebSocketKit:
                // Our Dialer is not written yet: run .NET's client under its own agent name, so no report
                // can pass it off as ours.
                var standIn = new ClientWebSocketEchoClient(compression);
                warn($"our WebSocketKit client (its Dialer) is not written yet, so client mode tests .NET's System.Net.WebSockets.ClientWebSocket " +
                     $"instead, as agent '{standIn.DefaultAgent}': these are NOT our client's results");
                return standIn;
            default:
                throw new RunnerException($"unknown echo client '{name}'; known: {WebSocketKit}, {ClientWebSocket}");
        }
    }
}
