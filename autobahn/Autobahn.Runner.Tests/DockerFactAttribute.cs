using Docker.DotNet;
using Xunit;

namespace Autobahn.Runner.Tests;

/// <summary>A fact that needs a Docker engine; skipped, saying how to get one, when none answers.</summary>
public sealed class DockerFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Problem = new(Probe);

    public DockerFactAttribute()
    {
        if (Problem.Value is { } why) Skip = $"no Docker engine answers ({why}); as root, scripts/docker-engine.sh installs and starts one";
    }

    private static string? Probe()
    {
        try
        {
            using var client = new DockerClientConfiguration(Autobahn.Runner.DockerEngine.DefaultEndpoint()).CreateClient();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            client.System.PingAsync(cts.Token).GetAwaiter().GetResult();
            return null;
        }
        catch (Exception ex)
        {
            return ex.GetBaseException().Message;
        }
    }
}
