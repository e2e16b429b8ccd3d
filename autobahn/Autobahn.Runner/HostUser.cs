using System.Runtime.InteropServices;

namespace Autobahn.Runner;

/// <summary>
/// The user the container runs as: on Linux, a non-root runner's own uid:gid, so the reports the suite writes
/// into the bind-mounted folder belong to whoever ran it; null (the image's user) for root and elsewhere.
/// </summary>
internal static partial class HostUser
{
    public static string? ForContainer()
    {
        if (!OperatingSystem.IsLinux()) return null;
        var uid = GetEffectiveUserId();
        return uid == 0 ? null : $"{uid}:{GetEffectiveGroupId()}";
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "getegid")]
    private static partial uint GetEffectiveGroupId();
}
