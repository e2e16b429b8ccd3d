using System.Diagnostics;

namespace Autobahn.Engine.Tests;

/// <summary>
/// Keeps every core busy: one endless shell loop per processor, at the same priority as everything else, killed on
/// Dispose. What a machine shared with other work looks like to the engine and its peer.
/// </summary>
public sealed class CpuHog : IDisposable
{
    private readonly List<Process> _loops;

    private CpuHog(List<Process> loops) => _loops = loops;

    public static CpuHog Start() =>
        new(Enumerable.Range(0, Environment.ProcessorCount)
            .Select(_ => Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "while :; do :; done"]))
                         ?? throw new InvalidOperationException("could not start /bin/sh"))
            .ToList());

    public void Dispose()
    {
        foreach (var loop in _loops)
        {
            if (!loop.HasExited) loop.Kill();
            loop.WaitForExit();
            loop.Dispose();
        }
    }
}
