namespace Autobahn.Runner.Tests;

/// <summary>Report files committed under Data/ (copied beside the test binaries; Data/README.md says where each comes from).</summary>
internal static class TestData
{
    public static string Dir(string relative) => Path.Combine(AppContext.BaseDirectory, "Data", relative);

    public static string File(string relative) => Dir(relative);
}
