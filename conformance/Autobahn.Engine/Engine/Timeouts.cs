namespace Autobahn.Engine.Engine;

/// <summary>The deadlines the official suite's protocol layer uses by default (seconds), overridable per server in the spec.</summary>
public sealed record Timeouts
{
    public double OpenHandshake { get; init; } = 5;
    public double CloseHandshake { get; init; } = 1;
    /// <summary>After the closing handshake, how long a client waits for the server to drop TCP first.</summary>
    public double ServerConnectionDrop { get; init; } = 1;
    /// <summary>
    /// The least time a case's kill timer waits for a peer still on its way to an expected outcome (it has sent
    /// nothing that rules one out): the time it gets to give the answer the case waits for (the echo it expects,
    /// after which the engine closes; or failing the connection, in a case that expects that) before the engine
    /// gives up and drops it. A peer that has already answered wrongly is dropped at the case's own time. 0, the
    /// default, keeps each case's timer (0.5-1 s) as the official suite has it. A conformant peer answers long
    /// before either, so a longer one changes no verdict of a conformant peer; it only keeps a busy machine, where
    /// the peer's process waited for a core, from turning an OK into FAILED.
    /// </summary>
    public double PeerAnswer { get; init; }
}
