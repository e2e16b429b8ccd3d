using System.Security.Cryptography;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace Autobahn.Runner.Tests;

/// <summary>
/// A local image packed by the runner's <see cref="ImagePacker"/> (build API, FROM scratch, nothing pulled). Its
/// tag carries a hash of what shapes it (the app's assemblies and the packer's source), so an unchanged app is
/// not packed again, and images of earlier builds are removed once a new one exists.
/// </summary>
internal static class PackedImage
{
    public static async Task<string> EnsureAsync(
        DockerEngine docker, string repository, IEnumerable<string> shapingFiles, Func<CancellationToken, Task<string>> publish,
        string executable, string command, CancellationToken ct)
    {
        // The packer's source, not its assembly: other changes to the runner do not change what it packs.
        var packer = File.ReadAllBytes(Path.Combine(RepoRoot.Find()!, "autobahn", "Autobahn.Runner", "ImagePacker.cs"));
        var inputs = shapingFiles.SelectMany(File.ReadAllBytes).Concat(packer).ToArray();
        var tag = repository + ":" + Convert.ToHexStringLower(SHA256.HashData(inputs))[..12];
        if (await docker.HasImageAsync(tag, ct)) return tag;
        var app = await publish(ct);
        await ImagePacker.PackAsync(docker, app, executable, [command], tag, NullLogger.Instance, ct);
        await RemoveOlderAsync(docker, repository, tag, ct);
        return tag;
    }

    /// <summary>Each image of an earlier build is ~90 MB of no further use.</summary>
    private static async Task RemoveOlderAsync(DockerEngine docker, string repository, string current, CancellationToken ct)
    {
        var images = await docker.Client.Images.ListImagesAsync(new ImagesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["reference"] = new Dictionary<string, bool> { [repository] = true } },
        }, ct);
        foreach (var old in images.SelectMany(i => i.RepoTags ?? []).Where(t => t != current))
        {
            await docker.Client.Images.DeleteImageAsync(old, new ImageDeleteParameters { Force = true }, ct);
        }
    }
}
