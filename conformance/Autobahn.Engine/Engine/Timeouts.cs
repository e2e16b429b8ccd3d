namespace Autobahn.Engine.Engine;

/// <summary>The deadlines the official suite's protocol layer uses by default (seconds), overridable per server in the spec.</summary>
public sealed record Timeouts
{
    public double OpenHandshake { get; init; } = 5;
    public double CloseHandshake { get; init; } = 1;
    /// <summary>After the closing handshake, how long a client waits for the server to drop TCP first.</summary>
    public double ServerConnectionDrop { get; init; } = 1;
    /// <summary>
    /// The least time a peer gets to fail the connection in a case that expects it to (a case whose close is the
    /// peer's): the case's own kill timer waits at least this long. 0, the default, keeps the case's timer as the
    /// official suite has it. A conformant peer fails at once either way; this only keeps a busy machine, where
    /// the peer's process waited for a core past the half-second kill, from turning its verdict into FAILED.
    /// </summary>
    public double PeerFailure { get; init; }
}
