using System.Reflection;

namespace Autobahn.Runner;

/// <summary>The tool's version as `wsconform --version` prints it, without the commit it was built from (+sha).</summary>
public static class ToolVersion
{
    public static string Current { get; } = Strip(typeof(ToolVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ToolVersion).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    public static string Strip(string informational) => informational.Split('+')[0];
}
