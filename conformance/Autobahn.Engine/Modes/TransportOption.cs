using System.Text.Json.Nodes;
using Autobahn.Engine.Transport;

namespace Autobahn.Engine.Modes;

/// <summary>
/// What the WebSockets of a run go over, from the spec's "options" (our extension, per server in fuzzingclient mode
/// or for the whole fuzzingserver): "transport" is "http/1.1" (the default), "h2c" or "h2"; for a fuzzing client
/// against an h2 server with a self-signed certificate, "acceptAnyCertificate": true.
/// </summary>
public sealed record TransportOption(string Name, bool AcceptAnyCertificate)
{
    public static readonly TransportOption Http11 = new(WebSocketTransports.Http11, false);

    /// <summary>The later options win over the earlier (a server's over the spec's).</summary>
    /// <exception cref="InvalidDataException">An unknown transport.</exception>
    public static TransportOption From(params JsonObject[] options)
    {
        var way = Http11;
        foreach (var o in options)
        {
            if (o["transport"] is { } t) way = way with { Name = WebSocketTransports.Parse(t.GetValue<string>()) };
            if (o["acceptAnyCertificate"] is { } a) way = way with { AcceptAnyCertificate = a.GetValue<bool>() };
        }
        return way;
    }
}
