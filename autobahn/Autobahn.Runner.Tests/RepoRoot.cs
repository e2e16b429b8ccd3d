namespace Autobahn.Runner.Tests;

internal static class RepoRoot
{
    /// <summary>The folder holding Conformance.sln above the test binaries.</summary>
    public static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Conformance.sln"))) return dir.FullName;
        }
        return null;
    }
}
