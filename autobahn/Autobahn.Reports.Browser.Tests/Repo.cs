namespace Autobahn.Reports.Browser.Tests;

/// <summary>Where this checkout and its build are: the tests run the built wsconform and the repository's scripts
/// as a user does, from the same build configuration as the tests themselves.</summary>
internal static class Repo
{
    /// <summary>The folder holding Conformance.sln above the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Release or Debug: the tests' own bin/&lt;Config&gt;/net10.0/.</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    /// <summary>The runner's build output, the file scripts/build-pages.sh runs too.</summary>
    public static string Wsconform =>
        Path.Combine(Root, "autobahn", "Autobahn.Runner", "bin", Configuration, "net10.0", "wsconform.dll");

    public static string Script(string name) => Path.Combine(Root, "scripts", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Conformance.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no Conformance.sln above {AppContext.BaseDirectory}");
    }
}
