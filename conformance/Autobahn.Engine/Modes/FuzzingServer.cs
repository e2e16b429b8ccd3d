using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Autobahn.Engine.Cases;
using Autobahn.Engine.Engine;
using Autobahn.Engine.Reports;
using Autobahn.Engine.Transport;
using Autobahn.Engine.Wire;

namespace Autobahn.Engine.Modes;

/// <summary>
/// fuzzingserver mode: the engine listens, and any client under test drives it through the official endpoints:
/// /getCaseCount, /getCaseInfo?case=N, /runCase?case=N&amp;agent=A, /getCaseStatus?case=N&amp;agent=A, /updateReports?agent=A
/// (N is the 1-based position in the spec's selected case list). Reports are written on /updateReports.
/// Our addition, /getCaseSchedule, tells a client that can run cases at once which may (see <see cref="CaseSchedule"/>).
/// With "transport": "h2c" or "h2" in the spec's options (our extension) the same endpoints are served over HTTP/2 by
/// Kestrel, each WebSocket an extended CONNECT stream (RFC 8441).
/// </summary>
public sealed class FuzzingServer : IAsyncDisposable
{
    public const string ServerName = "AutobahnEngine/1.0 (wstest-compatible)";
    private readonly FuzzingSpec _spec;
    private readonly IReadOnlyList<CaseDefinition> _cases;
    private readonly Action<string>? _progress;
    private readonly TcpListener? _listener;
    private Http2Listener? _http2;
    private readonly IPAddress _address;
    private readonly int _port;
    private readonly TransportOption _transport;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<(string Agent, string Id), CaseResult> _results = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private readonly ConcurrentDictionary<(string Agent, string Id), TaskCompletionSource<CaseResult>> _waiting = new();
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private readonly Timeouts _timeouts;
    private Task? _accepting;

    public IReadOnlyList<CaseDefinition> Cases => _cases;
    public int Port => _http2?.Port ?? ((IPEndPoint)_listener!.LocalEndpoint).Port;

    /// <summary>"http/1.1", "h2c" or "h2".</summary>
    public string Transport => _transport.Name;
    /// <summary>Completes when a client asks for /stopServer (or the server is disposed).</summary>
    public Task Stopped => _stopped.Task;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FuzzingServer(FuzzingSpec spec, Action<string>? progress = null)
    {
        _spec = spec;
        _progress = progress;
        _cases = CaseCatalog.Select(spec.Cases, spec.ExcludeCases, spec.Profile);
        _timeouts = FuzzingClient.TimeoutsFrom(spec.Options);
        var url = new Uri(spec.Url ?? "ws://127.0.0.1:9001");
        _transport = TransportOption.From(spec.Options);
        _address = url.Host switch
        {
            "localhost" => IPAddress.Loopback,
            "*" or "" => IPAddress.Any,
            var h => IPAddress.TryParse(h, out var ip) ? ip : IPAddress.Loopback,
        };
        _port = url.Port;
        if (!WebSocketTransports.IsHttp2(_transport.Name)) _listener = new TcpListener(_address, _port);
    }

    public void Start()
    {
        if (_listener is null)
        {
            // Kestrel binds before this returns, so the port is known and taken as with the TCP listener.
            _http2 = Http2Listener.StartAsync(_address, _port, _transport.Name == WebSocketTransports.H2, ServeAsync).GetAwaiter().GetResult();
            _progress?.Invoke($"Fuzzing server on {_address}:{Port} over {_transport.Name}: {_cases.Count} cases for any client that connects");
            return;
        }
        _listener.Start();
        _progress?.Invoke($"Fuzzing server on {_listener.LocalEndpoint}: {_cases.Count} cases for any client that connects");
        _accepting = AcceptLoopAsync();
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener!.AcceptSocketAsync(_stop.Token);
                socket.NoDelay = true;
                var task = ServeTcpAsync(socket);
                _connections[task] = 0;
                _ = task.ContinueWith(t => _connections.TryRemove(t, out _), TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) { }
        catch (SocketException) { }
    }

    private async Task ServeTcpAsync(Socket socket)
    {
        var log = new WireLog();
        var hs = new ServerHandshake();
        byte[] early;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(_timeouts.OpenHandshake));
            early = await hs.ReadRequestAsync(socket, log, timeout.Token);
        }
        catch (Exception e) when (e is InvalidDataException or SocketException or OperationCanceledException)
        {
            try { if (e is InvalidDataException) await socket.SendAsync(ServerHandshake.Reject(e.Message), SocketFlags.None); } catch (SocketException) { }
            socket.Dispose();
            return;
        }
        await ServeAsync(new TcpIncomingWebSocket(socket, hs, early), log);
    }

    private Task ServeAsync(IncomingWebSocket hs) => ServeAsync(hs, new WireLog());

    /// <summary>Answers one WebSocket request, whatever it came over: a case to run, or a control endpoint.</summary>
    private async Task ServeAsync(IncomingWebSocket hs, WireLog log)
    {
        string? agent = hs.Query.GetValueOrDefault("agent");
        CaseDefinition? selected = null;
        if (hs.Query.TryGetValue("case", out var n) && int.TryParse(n, out int index) && index >= 1 && index <= _cases.Count) selected = _cases[index - 1];
        if (hs.Query.TryGetValue("casetuple", out var tuple)) selected = _cases.FirstOrDefault(c => c.Id == tuple.Trim());

        string? problem = hs.Path switch
        {
            "/runCase" when selected is null => "need a valid case (1..count) to run",
            "/runCase" or "/getCaseStatus" or "/updateReports" when string.IsNullOrEmpty(agent) => "need an agent",
            "/getCaseInfo" or "/getCaseStatus" when selected is null => "need a valid case",
            _ => null,
        };
        if (problem is not null)
        {
            await hs.RejectAsync(problem);
            return;
        }
        switch (hs.Path)
        {
            case "/runCase":
                var run = RunCaseAsync(hs, log, selected!, agent!);
                _running[run] = 0;
                try { await run; }
                finally { _running.TryRemove(run, out _); }
                break;
            case "/getCaseCount": await ReplyAsync(hs, log, JsonSerializer.Serialize(_cases.Count)); break;
            case "/getCaseSchedule": await ReplyAsync(hs, log, ScheduledCase.ToJson(_cases.Select(ScheduledCase.Of))); break;
            case "/getCaseInfo":
                await ReplyAsync(hs, log, JsonSerializer.Serialize(new { id = selected!.Id, description = selected.Description }));
                break;
            case "/getCaseStatus":
                var result = await _waiting.GetOrAdd((agent!, selected!.Id), key => NewWaiter(key)).Task.WaitAsync(_stop.Token);
                await ReplyAsync(hs, log, JsonSerializer.Serialize(new { behavior = result.Behavior }));
                break;
            case "/updateReports":
                // A client may ask as soon as its side of the last case has closed, before this side
                // has judged it; every case ends by its own hard limit, so waiting for them is bounded.
                try { await Task.WhenAll(_running.Keys).WaitAsync(_stop.Token); }
                catch (Exception) when (!_stop.IsCancellationRequested) { /* a failed run is reported by its own result */ }
                WriteReports();
                _progress?.Invoke($"Reports updated in {Path.GetFullPath(_spec.OutDir)}");
                await ReplyAsync(hs, log, null);
                break;
            case "/stopServer":
                await ReplyAsync(hs, log, null);
                _stopped.TrySetResult();
                break;
            default:
                await ReplyAsync(hs, log, null);
                break;
        }
    }

    private TaskCompletionSource<CaseResult> NewWaiter((string, string) key)
    {
        var tcs = new TaskCompletionSource<CaseResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_results.TryGetValue(key, out var done)) tcs.TrySetResult(done);
        return tcs;
    }

    /// <summary>Answers a control request: an optional text message, then a normal close.</summary>
    private async Task ReplyAsync(IncomingWebSocket hs, WireLog log, string? message)
    {
        var (connection, early) = await hs.AcceptAsync(ServerName, null, log);
        var steps = new List<Step>();
        if (message is not null) steps.Add(new SendMessage(Encoding.UTF8.GetBytes(message), false));
        steps.Add(new SendClose(1000));
        var reply = new CaseDefinition("control", "", "") { Steps = steps, Expected = [Build.Ok()], SuppressClose = true, HardLimit = TimeSpan.FromSeconds(10) };
        await new CaseSession(reply, connection, isServer: true, _timeouts, new CaseResult { Case = reply, Log = log }).RunAsync(early);
    }

    private async Task RunCaseAsync(IncomingWebSocket hs, WireLog log, CaseDefinition c, string agent)
    {
        var result = new CaseResult
        {
            Case = c, Log = log, Agent = agent, IsServer = true, CaseIndex = IndexInSpec(c),
            Started = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"), HttpRequest = hs.Request,
        };
        var chosen = c.DeflatePolicy?.Choose(hs.Extensions);
        var (connection, early) = await hs.AcceptAsync(ServerName, chosen?.Header, log);
        result.HttpResponse = hs.Response ?? "?";
        if (_spec.ExcludedFor(agent, c.Id))
        {
            _progress?.Invoke($"Skipping case {c.Id} for agent {agent} (excluded by the spec)");
            var skip = new CaseDefinition(c.Id, "", "") { Steps = [new SendClose(1000)], Expected = [Build.Ok()], SuppressClose = true };
            await new CaseSession(skip, connection, isServer: true, _timeouts, new CaseResult { Case = skip, Log = log }).RunAsync(early);
            return;
        }
        _progress?.Invoke($"Running case {c.Id} for agent {agent}");
        await new CaseSession(c, connection, isServer: true, _timeouts, result, chosen?.Agreement).RunAsync(early);
        _results[(agent, c.Id)] = result;
        _waiting.GetOrAdd((agent, c.Id), key => NewWaiter(key)).TrySetResult(result);
        _progress?.Invoke($"Case {c.Id} for agent {agent}: {result.Behavior} / {result.BehaviorClose} ({result.DurationMs} ms)");
    }

    /// <summary>The official server reports a case's position in the spec's list (the N of /runCase?case=N).</summary>
    private int IndexInSpec(CaseDefinition c)
    {
        for (int i = 0; i < _cases.Count; i++) if (ReferenceEquals(_cases[i], c)) return i + 1;
        return 0;
    }

    /// <summary>All results so far, every agent, in the official layout under the spec's outdir.</summary>
    public void WriteReports() => ReportWriter.Write(_spec.OutDir, _results.Values.ToList());

    public IReadOnlyCollection<CaseResult> Results => _results.Values.ToList();

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener?.Stop();
        if (_http2 is not null) await _http2.DisposeAsync();
        if (_accepting is not null) await _accepting;
        await Task.WhenAll(_connections.Keys);
        _stopped.TrySetResult();
        _stop.Dispose();
    }
}
