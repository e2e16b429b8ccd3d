using Autobahn.Engine.Wire;

namespace Autobahn.Engine.Transport;

/// <summary>
/// An opening handshake the fuzzing server has received, whatever it came over (an HTTP/1.1 upgrade or an HTTP/2
/// extended CONNECT): what was asked for, and how to answer it.
/// </summary>
public abstract class IncomingWebSocket
{
    public abstract string Path { get; }

    public abstract IReadOnlyDictionary<string, string> Query { get; }

    /// <summary>The client's Sec-WebSocket-Extensions offer, if any.</summary>
    public abstract string? Extensions { get; }

    /// <summary>The request as text, for the reports.</summary>
    public abstract string Request { get; }

    /// <summary>Our answer as text once given, for the reports.</summary>
    public abstract string? Response { get; }

    /// <summary>Accepts (101 or 200) with the extensions chosen; returns the connection and any frame octets that came with the request.</summary>
    public abstract Task<(CaseConnection Connection, byte[] Early)> AcceptAsync(string serverName, string? extensions, WireLog log);

    /// <summary>Refuses with 400 and the reason, and ends the exchange.</summary>
    public abstract Task RejectAsync(string reason);
}
