using System.Text;
using Autobahn.Engine.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Autobahn.Engine.Transport;

/// <summary>An extended CONNECT (RFC 8441) that Kestrel has received; accepting it answers 200 and opens the stream.</summary>
public sealed class Http2IncomingWebSocket(HttpContext context, IHttpExtendedConnectFeature connect) : IncomingWebSocket
{
    private string? _response;

    public override string Path => context.Request.Path.Value ?? "/";

    public override IReadOnlyDictionary<string, string> Query { get; } =
        context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);

    public override string? Extensions => context.Request.Headers["sec-websocket-extensions"] is { Count: > 0 } offer ? offer.ToString() : null;

    public override string Request
    {
        get
        {
            var r = context.Request;
            var sb = new StringBuilder($":method: {r.Method}\r\n:protocol: {connect.Protocol}\r\n:scheme: {r.Scheme}\r\n:authority: {r.Host}\r\n:path: {r.Path}{r.QueryString}\r\n");
            foreach (var h in r.Headers) if (!h.Key.StartsWith(':')) sb.Append($"{h.Key}: {h.Value}\r\n");
            return sb.ToString();
        }
    }

    public override string? Response => _response;

    public override async Task<(CaseConnection Connection, byte[] Early)> AcceptAsync(string serverName, string? extensions, WireLog log)
    {
        context.Response.Headers["server"] = serverName;
        if (extensions is not null) context.Response.Headers["sec-websocket-extensions"] = extensions;
        _response = ":status: 200\r\n" + $"server: {serverName}\r\n" + (extensions is null ? "" : $"sec-websocket-extensions: {extensions}\r\n");
        var stream = await connect.AcceptAsync().ConfigureAwait(false);
        return (new Http2ServerConnection(context, stream), []);
    }

    public override async Task RejectAsync(string reason)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        await context.Response.WriteAsync(reason).ConfigureAwait(false);
    }
}
