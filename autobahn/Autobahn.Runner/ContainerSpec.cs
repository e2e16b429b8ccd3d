namespace Autobahn.Runner;

/// <summary>What the runner asks of a container: image, command, bind mounts (host path -> container path).</summary>
/// <param name="PublishedPort">A TCP port the host must reach; only published where host networking is not available.</param>
public sealed record ContainerSpec(string Image, IReadOnlyList<string> Command, IReadOnlyDictionary<string, string> Binds, int? PublishedPort = null)
{
    /// <summary>Every container the runner creates carries this label, so a later run can find and remove leftovers.</summary>
    public const string RunnerLabel = "ws-conformance.runner";
}
