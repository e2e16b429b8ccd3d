using Xunit;

namespace Autobahn.Runner.Tests;

/// <summary>
/// Tests that start labelled containers run one after another: each run removes every labelled leftover on the
/// machine, which would take down a container another test class is still using.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DockerCollection
{
    public const string Name = "docker";
}
