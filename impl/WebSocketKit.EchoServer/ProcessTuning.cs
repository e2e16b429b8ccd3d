using System.Runtime.InteropServices;

namespace WebSocketKit.EchoServer;

/// <summary>
/// Process-wide settings the echo server makes before it opens its first socket: both are measured with
/// the echo tool's server-only tables and memory figures (bench/README.md), and both defer to a value the
/// environment already sets.
/// </summary>
internal static class ProcessTuning
{
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Applies both; call first thing in Main.</summary>
    public static void Apply()
    {
        RunCompletionsInline();
        FixMmapThreshold();
    }

    /// <summary>
    /// By default a socket's completion is handed from the epoll thread to the thread pool, and our
    /// continuation (parse the frame, echo it, start the next read) runs there: a queue hop and often a
    /// thread wake-up per message. An echo's continuation is short and never blocks, so the server runs it
    /// inline on the epoll thread (the runtime then runs one epoll thread per core), as Node and Go run their
    /// handlers on the poller's thread. Measured with gorilla's client, 64 B round trips: the server's CPU
    /// per message fell by a third on 1 and on 100 connections. Set the variable to 0 to turn it off.
    /// </summary>
    private static void RunCompletionsInline()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletions) is null) Environment.SetEnvironmentVariable(InlineCompletions, "1");
    }

    /// <summary>
    /// glibc serves an allocation of 128 KiB or more with mmap only until the first such block is freed:
    /// then it raises that threshold to the freed size, so every later zlib deflate context (about 256 KiB at
    /// window 15) lands in a malloc arena, and an arena keeps its pages after the free. Fixing the threshold
    /// at glibc's default keeps those contexts mmapped, so closing a compressing connection unmaps its
    /// context at once. (Measured: 1,000 compressed connections closed, the server's RSS stayed at about
    /// 400 MiB without this and fell to about 180 MiB with it, before <see cref="MemoryReturn"/>'s collection.)
    /// Does nothing where the C library is not glibc; GLIBC_TUNABLES set in the environment comes first.
    /// </summary>
    private static void FixMmapThreshold()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("GLIBC_TUNABLES")?.Contains("mmap_threshold") == true) return;
        try { _ = mallopt(MmapThreshold, 128 * 1024); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    private const int MmapThreshold = -3; // M_MMAP_THRESHOLD in malloc.h

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);
}
