namespace Autobahn.Runner;

/// <summary>What the runner asks of a container: image, command, bind mounts (host path -> container path).</summary>
public sealed record ContainerSpec(string Image, IReadOnlyList<string> Command, IReadOnlyDictionary<string, string> Binds)
{
    /// <summary>Every container the runner creates carries this label, so a later run can find and remove leftovers.</summary>
    public const string RunnerLabel = "ws-conformance.runner";
}
