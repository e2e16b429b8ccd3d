namespace Examples.FileWatch;

/// <summary>Timings of the file watch server (the tests shorten them).</summary>
public sealed record FileWatchOptions
{
    /// <summary>How often the file's modification time is checked.</summary>
    public TimeSpan PollPeriod { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long sending the file to a page may take.</summary>
    public TimeSpan WriteWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the page is pinged.</summary>
    public TimeSpan PingPeriod { get; init; } = TimeSpan.FromSeconds(54);

    /// <summary>How long the page may stay silent (no pong) before its connection is closed.</summary>
    public TimeSpan PongWait { get; init; } = TimeSpan.FromSeconds(60);
}
