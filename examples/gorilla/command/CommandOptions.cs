namespace Examples.Command;

/// <summary>Timings and limits of the command server (the tests shorten them).</summary>
public sealed record CommandOptions
{
    /// <summary>How long sending one line of output may take.</summary>
    public TimeSpan WriteWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest line accepted from the page, in bytes.</summary>
    public int MaxMessageSize { get; init; } = 8192;

    /// <summary>How long the process has to exit once its input is closed, before it is killed.</summary>
    public TimeSpan ExitGrace { get; init; } = TimeSpan.FromSeconds(1);
}
