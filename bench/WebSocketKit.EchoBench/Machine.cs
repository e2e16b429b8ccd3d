using System.Diagnostics;

namespace WebSocketKit.EchoBench;

/// <summary>
/// Where a published result came from: the commit (with -dirty when the tracked files differ from it),
/// the CPU and its cores, and the load averages, which on a shared machine say how far to trust the
/// absolute figures.
/// </summary>
internal static class Machine
{
    /// <summary>The commit checked out, e.g. "49fd846a1b2c" or "49fd846a1b2c-dirty"; "unknown commit" outside git.</summary>
    public static string Commit()
    {
        string? head = Git("rev-parse", "--short=12", "HEAD");
        if (head is null) return "unknown commit";
        // diff-index compares the tracked files with HEAD; untracked files do not make a build differ.
        Git("update-index", "-q", "--refresh");
        return Git("diff-index", "--quiet", "HEAD", "--") is null ? head + "-dirty" : head;
    }

    /// <summary>The CPU model as /proc/cpuinfo names it.</summary>
    public static string CpuModel()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal))
                    return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        return "unknown CPU";
    }

    /// <summary>The 1, 5 and 15 minute load averages, as /proc/loadavg has them.</summary>
    public static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }

    /// <summary>
    /// What an idle CPU does, where Linux says: its cpuidle driver and, for a virtual machine's haltpoll driver, how
    /// long the guest polls before it halts. It decides latency-bound results: a halted virtual CPU is woken by an
    /// interrupt through the hypervisor, so with no polling every wake-up costs a VM exit, and a runtime that spins
    /// while it waits for work (.NET's thread pool) hides that cost where one that sleeps at once pays it.
    /// </summary>
    public static string IdlePath()
    {
        const string cpuidle = "/sys/devices/system/cpu/cpuidle/current_driver", haltPoll = "/sys/module/haltpoll/parameters/guest_halt_poll_ns";
        try
        {
            if (!File.Exists(cpuidle)) return "CPU idle driver unknown";
            string driver = File.ReadAllText(cpuidle).Trim();
            return driver == "haltpoll" && File.Exists(haltPoll)
                ? $"CPU idle driver haltpoll, guest halt polling {File.ReadAllText(haltPoll).Trim()} ns"
                : $"CPU idle driver {driver}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return "CPU idle driver unknown"; }
    }

    /// <summary>One line for a report's head: commit, CPU, cores, idle path, OS, runtime, load.</summary>
    public static string Describe(string loadAtStart)
        => $"commit {Commit()}, {CpuModel()}, {Environment.ProcessorCount} cores, {IdlePath()}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, " +
           $".NET {Environment.Version}; load average (1, 5, 15 min) {loadAtStart} at the start, {LoadAverage()} at the end";

    // The command's trimmed stdout when it exits with 0, else null.
    private static string? Git(params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            if (!p.WaitForExit(10_000)) { p.Kill(); return null; }
            return p.ExitCode == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception) { return null; }
    }
}
