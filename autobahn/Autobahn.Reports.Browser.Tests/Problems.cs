namespace Autobahn.Reports.Browser.Tests;

internal static class Problems
{
    /// <summary>Fails with every problem on its own line (xunit's Assert.Empty cuts each one short).</summary>
    public static void AssertNone(IReadOnlyList<string> problems) =>
        Assert.True(problems.Count == 0, $"{problems.Count} problems:\n" + string.Join("\n", problems));
}
