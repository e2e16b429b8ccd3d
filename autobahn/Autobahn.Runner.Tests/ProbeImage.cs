using System.Formats.Tar;
using System.Security.Cryptography;
using Docker.DotNet.Models;

namespace Autobahn.Runner.Tests;

/// <summary>
/// Builds, through Docker.DotNet's image build API, a FROM-scratch image holding the self-contained LifecycleProbe
/// and the few glibc files its runtime loads. Nothing is pulled. The tag carries a hash of the probe, so an
/// unchanged probe is not rebuilt.
/// </summary>
internal static class ProbeImage
{
    // What a self-contained .NET app on glibc loads (ldd of libcoreclr.so and the apphost); invariant globalization needs no ICU.
    private static readonly string[] GlibcFiles =
    [
        "/lib64/ld-linux-x86-64.so.2",
        "/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libm.so.6", "/lib/x86_64-linux-gnu/libdl.so.2",
        "/lib/x86_64-linux-gnu/libpthread.so.0", "/lib/x86_64-linux-gnu/librt.so.1",
        "/lib/x86_64-linux-gnu/libgcc_s.so.1", "/lib/x86_64-linux-gnu/libstdc++.so.6",
    ];

    public const string Executable = "/app/LifecycleProbe";

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
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(app, "LifecycleProbe.dll"))))[..12];
        var tag = Repository + ":" + hash;
        if (await docker.HasImageAsync(tag, ct)) return tag;

        var context = Path.GetTempFileName();
        try
        {
            await using (var file = File.Create(context))
            {
                await WriteContextAsync(file, app, ct);
            }
            await using var tar = File.OpenRead(context);
            var errors = new List<string>();
            await docker.Client.Images.BuildImageFromDockerfileAsync(
                new ImageBuildParameters { Tags = [tag], Dockerfile = "Dockerfile", Remove = true, ForceRemove = true },
                tar, null, null, new Progress<JSONMessage>(m => { if (m.Error is not null) errors.Add(m.Error.Message); }), ct);
            if (errors.Count > 0 || !await docker.HasImageAsync(tag, ct))
            {
                throw new InvalidOperationException("building the probe image failed: " + string.Join("; ", errors));
            }
            await RemoveOlderAsync(docker, tag, ct);
            return tag;
        }
        finally
        {
            File.Delete(context);
        }
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

    private static async Task WriteContextAsync(Stream output, string app, CancellationToken ct)
    {
        await using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        await AddTextAsync(writer, "Dockerfile", "FROM scratch\nCOPY rootfs/ /\nENV DOTNET_EnableDiagnostics=0\n", ct);
        foreach (var dir in new[] { "rootfs/tmp/", "rootfs/config/", "rootfs/reports/" })
        {
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, dir) { Mode = (UnixFileMode)0x1FF }, ct);
        }
        foreach (var f in Directory.GetFiles(app))
        {
            await AddFileAsync(writer, f, "rootfs/app/" + Path.GetFileName(f), ct);
        }
        foreach (var f in GlibcFiles)
        {
            // Symlinks on the host (ld-linux, libstdc++) go in as the files they point to.
            var real = File.ResolveLinkTarget(f, returnFinalTarget: true)?.FullName ?? f;
            await AddFileAsync(writer, real, "rootfs" + f, ct);
        }
    }

    private static async Task AddFileAsync(TarWriter writer, string source, string name, CancellationToken ct)
    {
        await using var data = File.OpenRead(source);
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = data, Mode = (UnixFileMode)0x1ED };
        await writer.WriteEntryAsync(entry, ct);
    }

    private static async Task AddTextAsync(TarWriter writer, string name, string text, CancellationToken ct)
    {
        using var data = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
        await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = data, Mode = (UnixFileMode)0x1A4 }, ct);
    }
}
