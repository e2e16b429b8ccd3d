namespace WebSocketKit.ClientTests;

internal static class Bounds
{
    /// <summary>No test step waits longer than this.</summary>
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(20);

    public static CancellationToken Token() => new CancellationTokenSource(Step).Token;
}
