using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Autobahn.Engine.Cases;
using Autobahn.Engine.Engine;
using Autobahn.Engine.Reports;
using Autobahn.Engine.Transport;
using Autobahn.Engine.Wire;

namespace Autobahn.Engine.Modes;

/// <summary>fuzzingclient mode: the engine connects to each server of the spec and runs the selected cases against it.</summary>
public sealed class FuzzingClient
{
    public const string UserAgent = "AutobahnEngine/1.0 (wstest-compatible)";
    private readonly FuzzingSpec _spec;
    private readonly Action<string>? _progress;

    public FuzzingClient(FuzzingSpec spec, Action<string>? progress = null)
    {
        _spec = spec;
        _progress = progress;
    }

    /// <summary>Runs every server's cases, writes the reports into the spec's outdir, and returns the results.</summary>
    public async Task<IReadOnlyList<CaseResult>> RunAsync(CancellationToken ct = default)
    {
        var all = new List<CaseResult>();
        var selected = CaseCatalog.Select(_spec.Cases, _spec.ExcludeCases, _spec.Profile);
        foreach (var server in _spec.Servers)
        {
            var timeouts = TimeoutsFrom(_spec.Options, server.Options);
            var way = TransportOption.From(_spec.Options, server.Options);
            var url = new Uri(server.Url);
            string? probed = WebSocketTransports.IsHttp2(way.Name) ? await ProbeHttp2Async(url, way, ct) : server.Agent is null ? await ProbeAgentAsync(url, ct) : null;
            string agent = server.Agent ?? probed ?? "UnknownServer";
            var cases = selected.Where(c => !_spec.ExcludedFor(agent, c.Id)).ToList();
            _progress?.Invoke($"Running {cases.Count} cases against {agent} at {url} over {way.Name}");
            int done = 0;
            var results = new CaseResult[cases.Count];
            async Task RunOne(int i)
            {
                results[i] = await RunCaseAsync(cases[i], url, agent, timeouts, ct, way);
                int n = Interlocked.Increment(ref done);
                _progress?.Invoke($"[{n}/{cases.Count}] {agent} {cases[i].Id}: {results[i].Behavior} / {results[i].BehaviorClose} ({results[i].DurationMs} ms)");
            }
            await CaseSchedule.RunAsync(cases.Select(ScheduledCase.Of).ToList(), _spec.Parallel, RunOne, ct);
            all.AddRange(results);
        }
        ReportWriter.Write(_spec.OutDir, all);
        return all;
    }

    public static Timeouts TimeoutsFrom(params JsonObject[] options)
    {
        var t = new Timeouts();
        foreach (var o in options)
        {
            if (o["openHandshakeTimeout"] is { } a) t = t with { OpenHandshake = a.GetValue<double>() };
            if (o["closeHandshakeTimeout"] is { } b) t = t with { CloseHandshake = b.GetValue<double>() };
            if (o["serverConnectionDropTimeout"] is { } c) t = t with { ServerConnectionDrop = c.GetValue<double>() };
            if (o["peerAnswerTimeout"] is { } d) t = t with { PeerAnswer = d.GetValue<double>() };
        }
        return t;
    }

    /// <summary>Without an agent name in the spec, the official suite names the server by its Server header.</summary>
    private static async Task<string?> ProbeAgentAsync(Uri url, CancellationToken ct)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await socket.ConnectAsync(url.Host, url.Port, timeout.Token);
            var hs = new ClientHandshake(url, UserAgent, null);
            await socket.SendAsync(Encoding.ASCII.GetBytes(hs.Request), SocketFlags.None, timeout.Token);
            await hs.ReadResponseAsync(socket, new WireLog(), timeout.Token);
            return hs.ResponseHeaders.GetValueOrDefault("Server");
        }
        catch (Exception e) when (e is SocketException or InvalidDataException or OperationCanceledException) { return null; }
    }

    /// <summary>
    /// Over HTTP/2, one WebSocket opened and closed before the cases: it names the server by its server header (as
    /// the probe over HTTP/1.1 does), and it warms up the HTTP/2 code on both sides, whose first use can take longer
    /// than the one second the first cases give the server to answer, so that a cold start on a busy machine is not
    /// judged as the server's fault.
    /// </summary>
    private static async Task<string?> ProbeHttp2Async(Uri url, TransportOption way, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        Http2ClientConnection.Handshake? seen = null;
        try
        {
            using var connection = await Http2ClientConnection.OpenAsync(url, way.Name == WebSocketTransports.H2, way.AcceptAnyCertificate, UserAgent, null, h => seen = h, timeout.Token);
            var close = FrameWriter.Encode(8, [0x03, 0xE8], fin: true, rsv: 0, FrameWriter.NewMask());
            await connection.SendAsync(new ArraySegment<byte>(close));
            var buffer = new byte[256];
            while (await connection.ReceiveAsync(buffer).AsTask().WaitAsync(timeout.Token) > 0) { }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or OperationCanceledException or SocketException or ObjectDisposedException) { }
        return seen?.ResponseHeaders.GetValueOrDefault("server");
    }

    /// <summary>Connects, does the opening handshake, and runs one case; a failed handshake is a FAILED case, not an exception.</summary>
    public static async Task<CaseResult> RunCaseAsync(CaseDefinition c, Uri url, string agent, Timeouts timeouts, CancellationToken ct, TransportOption? way = null)
    {
        way ??= TransportOption.Http11;
        var result = new CaseResult { Case = c, Log = new WireLog(), Agent = agent, CaseIndex = CaseCatalog.IndexOf(c), Started = Now(), Transport = way.Name };
        string? offer = c.DeflateOffers.Count == 0 ? null : string.Join(", ", c.DeflateOffers.Select(o => o.Header()));
        CaseConnection connection;
        byte[] early = [];
        string? extensions;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(timeouts.OpenHandshake));
            try
            {
                if (WebSocketTransports.IsHttp2(way.Name))
                {
                    Http2ClientConnection.Handshake? seen = null;
                    try
                    {
                        connection = await Http2ClientConnection.OpenAsync(url, way.Name == WebSocketTransports.H2, way.AcceptAnyCertificate, UserAgent, offer, h => seen = h, timeout.Token);
                    }
                    finally
                    {
                        result.HttpRequest = seen?.Request ?? "?";
                        result.HttpResponse = seen?.Response ?? "?";
                    }
                    extensions = seen!.ResponseHeaders.GetValueOrDefault("sec-websocket-extensions");
                }
                else
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    var hs = new ClientHandshake(url, UserAgent, offer);
                    result.HttpRequest = hs.Request;
                    try
                    {
                        await socket.ConnectAsync(url.Host, url.Port, timeout.Token);
                        var request = Encoding.ASCII.GetBytes(hs.Request);
                        result.Log.TxOctetsSent(request, false);
                        await socket.SendAsync(request, SocketFlags.None, timeout.Token);
                        early = await hs.ReadResponseAsync(socket, result.Log, timeout.Token);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                    finally { result.HttpResponse = hs.Response ?? "?"; }
                    connection = new TcpCaseConnection(socket);
                    extensions = hs.ResponseHeaders.GetValueOrDefault("Sec-WebSocket-Extensions");
                }
            }
            catch (Exception e) when (e is SocketException or IOException or InvalidDataException or OperationCanceledException)
            {
                result.WasOpenHandshakeTimeout = e is OperationCanceledException && !ct.IsCancellationRequested;
                result.WasNotCleanReason = e.Message;
                result.ResultClose = "The WebSocket opening handshake was never completed!";
                return result;
            }
        }
        var deflate = offer is null ? null : DeflateAgreement.Parse(extensions);
        await new CaseSession(c, connection, isServer: false, timeouts, result, deflate).RunAsync(early);
        return result;
    }

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
}
