namespace Autobahn.Runner.Tests;

/// <summary>
/// The built-in engine's wstest command, published self-contained for linux-x64 and packed as an image with
/// wstest on the PATH and /config and /reports, like the suite's official image. Published only when the
/// engine's assemblies changed (the tag hashes them), into artifacts/ so the normal build's obj/ is untouched.
/// </summary>
internal static class WstestImage
{
    private const string Repository = "ws-conformance-wstest-e2e";
    private const string Project = "conformance/Autobahn.Wstest";
    private static readonly TimeSpan PublishBound = TimeSpan.FromMinutes(4);

    public static Task<string> EnsureAsync(DockerEngine docker, CancellationToken ct)
    {
        var built = RepoBuild.Output(Project, "wstest.dll")
            ?? throw new InvalidOperationException($"{Project} is not built: build Conformance.sln (make build) first");
        var dir = Path.GetDirectoryName(built)!;
        return PackedImage.EnsureAsync(docker, Repository, [built, Path.Combine(dir, "Autobahn.Engine.dll")], PublishAsync, "wstest", "wstest", ct);
    }

    private static async Task<string> PublishAsync(CancellationToken ct)
    {
        var root = RepoBuild.Root()!;
        var artifacts = Path.Combine(root, "artifacts", "wstest-e2e");
        var output = Path.Combine(artifacts, "publish");
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        string[] args =
        [
            "publish", Path.Combine(root, Project, "Autobahn.Wstest.csproj"), "-c", "Release", "-r", "linux-x64", "--self-contained",
            "-o", output, "--artifacts-path", Path.Combine(artifacts, "build"),
        ];
        var lines = new List<string>();
        await using var publish = LocalProcess.Start("dotnet", args, l => { lock (lines) lines.Add(l); });
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bound.CancelAfter(PublishBound);
        var exit = await publish.Exited.WaitAsync(bound.Token);
        if (exit != 0) throw new InvalidOperationException($"dotnet publish of {Project} failed ({exit}):\n" + string.Join('\n', lines.TakeLast(30)));
        return output;
    }
}
