namespace Autobahn.Runner.Reports;

/// <summary>The files this library carries inside itself (see the csproj's EmbeddedResource items).</summary>
internal static class Resources
{
    public static Stream Open(string name) =>
        typeof(Resources).Assembly.GetManifestResourceStream("Autobahn.Runner.Reports." + name)
        ?? throw new InvalidOperationException($"embedded resource '{name}' is missing from {typeof(Resources).Assembly.GetName().Name}");
}
