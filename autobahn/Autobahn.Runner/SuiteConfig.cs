using System.Text.Json;
using System.Text.Json.Nodes;

namespace Autobahn.Runner;

/// <summary>The suite's spec files: fuzzingclient.json (server mode) and fuzzingserver.json (client mode).</summary>
public static class SuiteConfig
{
    public const string FuzzingClientFile = "fuzzingclient.json";
    public const string FuzzingServerFile = "fuzzingserver.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static JsonObject FuzzingClient(string outdir, string agent, string url, IReadOnlyList<string> cases, IReadOnlyList<string> excludeCases, string? profile = null,
        string? transport = null, bool acceptAnyCertificate = false) => WithProfile(new()
    {
        ["outdir"] = outdir,
        ["servers"] = new JsonArray(new JsonObject
        {
            ["agent"] = agent,
            ["url"] = url,
            // RFC 6455 is protocol version 13; the suite's option names the draft it implements (18).
            ["options"] = WithTransport(new JsonObject { ["version"] = 18 }, transport, acceptAnyCertificate),
        }),
        ["cases"] = Strings(cases),
        ["exclude-cases"] = Strings(excludeCases),
        ["exclude-agent-cases"] = new JsonObject(),
    }, profile);

    public static JsonObject FuzzingServer(string url, string outdir, IReadOnlyList<string> cases, IReadOnlyList<string> excludeCases, string? profile = null,
        string? transport = null) => WithProfile(new()
    {
        ["url"] = url,
        ["options"] = WithTransport([], transport, false),
        ["outdir"] = outdir,
        ["cases"] = Strings(cases),
        ["exclude-cases"] = Strings(excludeCases),
        ["exclude-agent-cases"] = new JsonObject(),
    }, profile);

    /// <summary>
    /// The built-in engine's "transport" option (and "acceptAnyCertificate"), for WebSockets over HTTP/2; left out
    /// for HTTP/1.1, so the official suite gets options it knows.
    /// </summary>
    private static JsonObject WithTransport(JsonObject options, string? transport, bool acceptAnyCertificate)
    {
        if (transport is null || !Autobahn.Engine.Transport.WebSocketTransports.IsHttp2(transport)) return options;
        options["transport"] = transport;
        if (acceptAnyCertificate) options["acceptAnyCertificate"] = true;
        return options;
    }

    /// <summary>The built-in engine's "profile" key; left out for the official rules, so the official suite gets a spec it knows.</summary>
    private static JsonObject WithProfile(JsonObject spec, string? profile)
    {
        if (profile is not null and not "autobahn") spec["profile"] = profile;
        return spec;
    }

    public static string Write(string directory, string fileName, JsonObject spec)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, fileName);
        File.WriteAllText(path, spec.ToJsonString(Indented));
        return path;
    }

    private static JsonArray Strings(IReadOnlyList<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);
}
