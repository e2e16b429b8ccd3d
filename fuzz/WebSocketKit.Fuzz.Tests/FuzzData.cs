namespace WebSocketKit.Fuzz.Tests;

/// <summary>Finds the committed fuzz folders (fuzz/corpus, fuzz/regressions, fuzz/dict) from the test binaries.</summary>
internal static class FuzzData
{
    public static string FuzzRoot { get; } = Locate();

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "fuzz", "corpus");
            if (Directory.Exists(candidate)) return Path.Combine(dir.FullName, "fuzz");
        }
        throw new DirectoryNotFoundException($"no fuzz/corpus above {AppContext.BaseDirectory}");
    }

    /// <summary>Every saved input as (kind, target, file name): kind is "corpus" or "regressions".</summary>
    public static IEnumerable<object[]> SavedInputs()
    {
        foreach (var kind in new[] { "corpus", "regressions" })
        {
            var root = Path.Combine(FuzzRoot, kind);
            if (!Directory.Exists(root)) continue;
            foreach (var dir in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
                foreach (var file in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
                {
                    var name = Path.GetFileName(file);
                    if (!name.StartsWith('.')) yield return [kind, Path.GetFileName(dir), name];
                }
        }
    }

    public static string PathOf(string kind, string target, string file) => Path.Combine(FuzzRoot, kind, target, file);
}
