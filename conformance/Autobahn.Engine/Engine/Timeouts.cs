namespace Autobahn.Engine.Engine;

/// <summary>The deadlines the official suite's protocol layer uses by default (seconds), overridable per server in the spec.</summary>
public sealed record Timeouts
{
    public double OpenHandshake { get; init; } = 5;
    public double CloseHandshake { get; init; } = 1;
    /// <summary>After the closing handshake, how long a client waits for the server to drop TCP first.</summary>
    public double ServerConnectionDrop { get; init; } = 1;
}
