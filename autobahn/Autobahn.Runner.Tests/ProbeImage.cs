namespace Autobahn.Runner.Tests;

/// <summary>The LifecycleProbe packed as an image, callable as "probe" from the PATH the way the suite's image offers "wstest".</summary>
internal static class ProbeImage
{
    public const string Command = "probe";

    private const string Repository = "ws-conformance-lifecycle-probe";

    public static string ProbeOutput()
    {
        // Same configuration as this test assembly: bin/<Config>/net10.0/ -> probe's bin/<Config>/net10.0/linux-x64/.
        var config = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var repo = RepoRoot.Find() ?? throw new InvalidOperationException("Conformance.sln not found above the test binaries");
        var dir = Path.Combine(repo, "autobahn", "LifecycleProbe", "bin", config, "net10.0", "linux-x64");
        if (!File.Exists(Path.Combine(dir, "LifecycleProbe")))
        {
            throw new InvalidOperationException($"the probe is not built at {dir}: build Conformance.sln (make build) first");
        }
        return dir;
    }

    public static Task<string> EnsureAsync(DockerEngine docker, CancellationToken ct)
    {
        var app = ProbeOutput();
        // The probe is built self-contained already: its folder is what gets packed.
        return PackedImage.EnsureAsync(docker, Repository, [Path.Combine(app, "LifecycleProbe.dll")], _ => Task.FromResult(app), "LifecycleProbe", Command, ct);
    }
}
