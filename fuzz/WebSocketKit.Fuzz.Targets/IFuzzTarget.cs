namespace WebSocketKit.Fuzz.Targets;

/// <summary>
/// One fuzz target: a deterministic check of library code over an arbitrary input. It returns
/// normally when the library behaved as documented and throws for anything else (a broken
/// invariant is a <see cref="FuzzFindingException"/>; any other escaping exception is a finding too).
/// A target keeps no state between runs: no static caches, nothing random, no clock.
/// </summary>
public interface IFuzzTarget
{
    /// <summary>The name used on the command line and as the folder of its corpus and dictionary.</summary>
    string Name { get; }

    /// <summary>Runs one input; the harness has already cut it to <see cref="FuzzTargets.MaxInputBytes"/>.</summary>
    void Run(ReadOnlySpan<byte> input);

    /// <summary>The seed inputs committed under fuzz/corpus/&lt;name&gt;/ (file name, content).</summary>
    IEnumerable<FuzzSeed> Seeds();
}

/// <summary>A named seed input.</summary>
public sealed record FuzzSeed(string Name, byte[] Data);
