using System.Formats.Tar;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace Autobahn.Runner;

/// <summary>
/// Packs a self-contained .NET app (a `dotnet publish --self-contained -r linux-x64` folder) into a FROM-scratch
/// image through Docker.DotNet's build API, with the few glibc files its runtime loads. Nothing is pulled. The
/// app lands in /app, each command name in /usr/local/bin links to it (e.g. "wstest"), and /config, /reports
/// and /tmp exist, like the suite's official image.
/// </summary>
public static class ImagePacker
{
    // What a self-contained .NET app on glibc loads (ldd of the apphost and libcoreclr.so); invariant globalization needs no ICU.
    private static readonly string[] GlibcFiles =
    [
        "/lib64/ld-linux-x86-64.so.2",
        "/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libm.so.6", "/lib/x86_64-linux-gnu/libdl.so.2",
        "/lib/x86_64-linux-gnu/libpthread.so.0", "/lib/x86_64-linux-gnu/librt.so.1",
        "/lib/x86_64-linux-gnu/libgcc_s.so.1", "/lib/x86_64-linux-gnu/libstdc++.so.6",
    ];

    // Loaded only when used, so packed when the host has them: OpenSSL (System.Net.Security, which the runtime
    // probes at start-up and without which it aborts) and zlib (an app's own P/Invoke, such as the engine's).
    private static readonly string[] OptionalLibraries =
    [
        "/lib/x86_64-linux-gnu/libssl.so.3", "/lib/x86_64-linux-gnu/libcrypto.so.3", "/lib/x86_64-linux-gnu/libz.so.1",
    ];

    private const string Dockerfile =
        "FROM scratch\nCOPY rootfs/ /\nENV PATH=/usr/local/bin:/usr/bin:/bin DOTNET_EnableDiagnostics=0 DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1\n";

    public static async Task PackAsync(DockerEngine docker, string appDir, string executable, IReadOnlyList<string> commands, string tag, ILogger log, CancellationToken ct)
    {
        if (!File.Exists(Path.Combine(appDir, executable)))
        {
            throw new RunnerException($"{Path.Combine(appDir, executable)} does not exist: publish the app self-contained for linux-x64 into {appDir} first");
        }
        foreach (var f in GlibcFiles)
        {
            if (!File.Exists(f)) throw new RunnerException($"{f} is not on this machine; packing needs a glibc x86-64 Linux host (Debian/Ubuntu layout)");
        }
        var context = Path.GetTempFileName();
        try
        {
            await using (var file = File.Create(context))
            {
                await WriteContextAsync(file, appDir, executable, commands, ct).ConfigureAwait(false);
            }
            await using var tar = File.OpenRead(context);
            var errors = new List<string>();
            var progress = new Progress<JSONMessage>(m =>
            {
                if (m.Error is not null) errors.Add(m.Error.Message);
                else if (!string.IsNullOrWhiteSpace(m.Stream)) log.LogDebug("build: {Line}", m.Stream.TrimEnd());
            });
            await docker.Client.Images.BuildImageFromDockerfileAsync(
                new ImageBuildParameters { Tags = [tag], Dockerfile = "Dockerfile", Remove = true, ForceRemove = true },
                tar, null, null, progress, ct).ConfigureAwait(false);
            if (errors.Count > 0 || !await docker.HasImageAsync(tag, ct).ConfigureAwait(false))
            {
                throw new RunnerException($"building {tag} failed: {string.Join("; ", errors)}");
            }
            log.LogInformation("built image {Tag} from {App}", tag, appDir);
        }
        finally
        {
            File.Delete(context);
        }
    }

    private static async Task WriteContextAsync(Stream output, string app, string executable, IReadOnlyList<string> commands, CancellationToken ct)
    {
        await using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        await AddTextAsync(writer, "Dockerfile", Dockerfile, ct).ConfigureAwait(false);
        foreach (var dir in new[] { "rootfs/tmp/", "rootfs/config/", "rootfs/reports/", "rootfs/usr/local/bin/" })
        {
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, dir) { Mode = (UnixFileMode)0x1FF }, ct).ConfigureAwait(false);
        }
        foreach (var f in Directory.GetFiles(app, "*", SearchOption.AllDirectories))
        {
            await AddFileAsync(writer, f, "rootfs/app/" + Path.GetRelativePath(app, f).Replace('\\', '/'), ct).ConfigureAwait(false);
        }
        foreach (var f in GlibcFiles.Concat(OptionalLibraries.Where(File.Exists)))
        {
            // Symlinks on the host (ld-linux, libstdc++) go in as the files they point to.
            var real = File.ResolveLinkTarget(f, returnFinalTarget: true)?.FullName ?? f;
            await AddFileAsync(writer, real, "rootfs" + f, ct).ConfigureAwait(false);
        }
        foreach (var command in commands)
        {
            // The apphost finds its runtime beside its real path, so a link from the PATH works.
            var link = new PaxTarEntry(TarEntryType.SymbolicLink, "rootfs/usr/local/bin/" + command) { LinkName = "/app/" + executable };
            await writer.WriteEntryAsync(link, ct).ConfigureAwait(false);
        }
    }

    private static async Task AddFileAsync(TarWriter writer, string source, string name, CancellationToken ct)
    {
        await using var data = File.OpenRead(source);
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = data, Mode = (UnixFileMode)0x1ED };
        await writer.WriteEntryAsync(entry, ct).ConfigureAwait(false);
    }

    private static async Task AddTextAsync(TarWriter writer, string name, string text, CancellationToken ct)
    {
        using var data = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
        await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = data, Mode = (UnixFileMode)0x1A4 }, ct).ConfigureAwait(false);
    }
}
