using System.Security.Cryptography;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace Autobahn.Runner.Tests;

/// <summary>
/// The LifecycleProbe packed by the runner's <see cref="ImagePacker"/> (build API, FROM scratch, nothing pulled),
/// callable as "probe" from the PATH the way the suite's image offers "wstest". The tag carries a hash of the
/// probe, so an unchanged probe is not rebuilt.
/// </summary>
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

    public static async Task<string> EnsureAsync(DockerEngine docker, CancellationToken ct)
    {
        var app = ProbeOutput();
        // The probe's code and the packer's build both shape the image.
        var packer = typeof(ImagePacker).Assembly.ManifestModule.ModuleVersionId.ToByteArray();
        var hash = Convert.ToHexStringLower(SHA256.HashData([.. File.ReadAllBytes(Path.Combine(app, "LifecycleProbe.dll")), .. packer]))[..12];
        var tag = Repository + ":" + hash;
        if (await docker.HasImageAsync(tag, ct)) return tag;
        await ImagePacker.PackAsync(docker, app, "LifecycleProbe", [Command], tag, NullLogger.Instance, ct);
        await RemoveOlderAsync(docker, tag, ct);
        return tag;
    }

    /// <summary>Images of earlier probe builds are of no further use; each is ~90 MB.</summary>
    private static async Task RemoveOlderAsync(DockerEngine docker, string current, CancellationToken ct)
    {
        var images = await docker.Client.Images.ListImagesAsync(new ImagesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["reference"] = new Dictionary<string, bool> { [Repository] = true } },
        }, ct);
        foreach (var old in images.SelectMany(i => i.RepoTags ?? []).Where(t => t != current))
        {
            await docker.Client.Images.DeleteImageAsync(old, new ImageDeleteParameters { Force = true }, ct);
        }
    }
}
