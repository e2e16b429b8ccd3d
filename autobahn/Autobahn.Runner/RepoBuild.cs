namespace Autobahn.Runner;

/// <summary>
/// Finds a sibling project's build output when the runner runs from its own bin/ folder in a checkout: the
/// checkout is the folder with Conformance.sln above it, and the configuration is the runner's own.
/// </summary>
public static class RepoBuild
{
    public static string? Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Conformance.sln"))) return dir.FullName;
        }
        return null;
    }

    /// <summary>bin/&lt;Config&gt;/net10.0/ of the runner -> &lt;project&gt;/bin/&lt;Config&gt;/net10.0/&lt;file&gt;, if it was built.</summary>
    public static string? Output(string project, string file)
    {
        var framework = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        if (Root() is not { } root || framework.Parent is not { } config) return null;
        var path = Path.Combine(root, project, "bin", config.Name, framework.Name, file);
        return File.Exists(path) ? path : null;
    }
}
