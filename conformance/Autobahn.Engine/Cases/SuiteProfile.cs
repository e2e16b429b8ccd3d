namespace Autobahn.Engine.Cases;

/// <summary>
/// Which rule book judges the peer. <see cref="Autobahn"/> gives exactly the official suite's cases and verdicts;
/// <see cref="Rfc"/> follows RFC 6455 and the IANA WebSocket Close Code Number Registry as they stand today where
/// the suite predates them (every deviation is listed in docs/profiles.md with its case ids and source).
/// </summary>
public enum SuiteProfile { Autobahn, Rfc }

public static class SuiteProfiles
{
    /// <summary>The profile's name as written on the command line, in specs and in reports.</summary>
    public static string Name(this SuiteProfile p) => p == SuiteProfile.Rfc ? "rfc" : "autobahn";

    public static SuiteProfile Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        null or "" or "autobahn" => SuiteProfile.Autobahn,
        "rfc" => SuiteProfile.Rfc,
        _ => throw new InvalidDataException($"unknown profile '{name}' (autobahn or rfc)"),
    };
}
