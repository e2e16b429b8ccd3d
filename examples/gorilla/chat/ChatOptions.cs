namespace Examples.Chat;

/// <summary>The chat's timings and limits (gorilla's constants; the tests shorten them).</summary>
public sealed record ChatOptions
{
    /// <summary>How long one write (a message or a ping) may take before the client is dropped.</summary>
    public TimeSpan WriteWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the client may stay silent (no pong, no message) before it is dropped.</summary>
    public TimeSpan PongWait { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the server pings; shorter than <see cref="PongWait"/>, so a live client answers in time.</summary>
    public TimeSpan PingPeriod { get; init; } = TimeSpan.FromSeconds(54);

    /// <summary>The largest chat message accepted from a client, in bytes; a larger one closes its connection (1009).</summary>
    public int MaxMessageSize { get; init; } = 512;

    /// <summary>How many broadcasts may wait for a slow client before the hub gives up on it.</summary>
    public int SendQueueLength { get; init; } = 256;
}
