using Xunit;

namespace Autobahn.Runner.Tests;

/// <summary>
/// The real Autobahn TestSuite reports kept beside the repository: ../shared/autobahn-reports from the repo root.
/// In a git worktree the repo root's sibling is looked up for the main checkout as well.
/// </summary>
internal static class SharedReports
{
    public static readonly string? Root = Locate();

    public static string Dir(string relative) =>
        Path.Combine(Root ?? throw new InvalidOperationException("shared reports are absent"), relative);

    private static string? Locate()
    {
        var repo = RepoRoot.Find();
        if (repo is null) return null;
        foreach (var checkout in RepoRoot.Checkouts(repo))
        {
            var candidate = Path.GetFullPath(Path.Combine(checkout, "..", "shared", "autobahn-reports"));
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }
}

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

    /// <summary>The repo root, then (for a git worktree, whose .git is a file "gitdir: main/.git/worktrees/x") the main checkout.</summary>
    public static IEnumerable<string> Checkouts(string repo)
    {
        yield return repo;
        var dotGit = Path.Combine(repo, ".git");
        if (!File.Exists(dotGit)) yield break;
        var line = File.ReadAllText(dotGit).Trim();
        const string prefix = "gitdir:";
        if (!line.StartsWith(prefix, StringComparison.Ordinal)) yield break;
        var gitDir = Path.GetFullPath(line[prefix.Length..].Trim(), repo);
        var worktrees = Directory.GetParent(gitDir);
        if (worktrees?.Name == "worktrees" && worktrees.Parent?.Parent is { } main) yield return main.FullName;
    }
}

/// <summary>A fact that needs the shared report files; skipped, saying why, when they are absent.</summary>
public sealed class SharedReportsFactAttribute : FactAttribute
{
    public SharedReportsFactAttribute()
    {
        if (SharedReports.Root is null)
        {
            Skip = "../shared/autobahn-reports (real Autobahn TestSuite reports) is not beside the repository root";
        }
    }
}
