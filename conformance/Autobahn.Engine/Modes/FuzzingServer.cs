using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Autobahn.Engine.Cases;
using Autobahn.Engine.Engine;
using Autobahn.Engine.Reports;
using Autobahn.Engine.Wire;

namespace Autobahn.Engine.Modes;

/// <summary>
/// fuzzingserver mode: the engine listens, and any client under test drives it through the official endpoints:
/// /getCaseCount, /getCaseInfo?case=N, /runCase?case=N&amp;agent=A, /getCaseStatus?case=N&amp;agent=A, /updateReports?agent=A
/// (N is the 1-based position in the spec's selected case list). Reports are written on /updateReports.
/// Our addition, /getCaseSchedule, tells a client that can run cases at once which may (see <see cref="CaseSchedule"/>).
/// </summary>
public sealed class FuzzingServer : IAsyncDisposable
{
    public const string ServerName = "AutobahnEngine/1.0 (wstest-compatible)";
    private readonly FuzzingSpec _spec;
    private readonly IReadOnlyList<CaseDefinition> _cases;
    private readonly Action<string>? _progress;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<(string Agent, string Id), CaseResult> _results = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private readonly ConcurrentDictionary<(string Agent, string Id), TaskCompletionSource<CaseResult>> _waiting = new();
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private readonly Timeouts _timeouts;
    private Task? _accepting;

    public IReadOnlyList<CaseDefinition> Cases => _cases;
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
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
        var address = url.Host switch
        {
            "localhost" => IPAddress.Loopback,
            "*" or "" => IPAddress.Any,
            var h => IPAddress.TryParse(h, out var ip) ? ip : IPAddress.Loopback,
        };
        _listener = new TcpListener(address, url.Port);
    }

    public void Start()
    {
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
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                socket.NoDelay = true;
                var task = ServeAsync(socket);
                _connections[task] = 0;
                _ = task.ContinueWith(t => _connections.TryRemove(t, out _), TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) { }
        catch (SocketException) { }
    }

    private async Task ServeAsync(Socket socket)
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
            await socket.SendAsync(ServerHandshake.Reject(problem), SocketFlags.None);
            socket.Dispose();
            return;
        }
        switch (hs.Path)
        {
            case "/runCase":
                var run = RunCaseAsync(socket, hs, log, early, selected!, agent!);
                _running[run] = 0;
                try { await run; }
                finally { _running.TryRemove(run, out _); }
                break;
            case "/getCaseCount": await ReplyAsync(socket, hs, log, early, JsonSerializer.Serialize(_cases.Count)); break;
            case "/getCaseSchedule": await ReplyAsync(socket, hs, log, early, ScheduledCase.ToJson(_cases.Select(ScheduledCase.Of))); break;
            case "/getCaseInfo":
                await ReplyAsync(socket, hs, log, early, JsonSerializer.Serialize(new { id = selected!.Id, description = selected.Description }));
                break;
            case "/getCaseStatus":
                var result = await _waiting.GetOrAdd((agent!, selected!.Id), key => NewWaiter(key)).Task.WaitAsync(_stop.Token);
                await ReplyAsync(socket, hs, log, early, JsonSerializer.Serialize(new { behavior = result.Behavior }));
                break;
            case "/updateReports":
                // A client may ask as soon as its side of the last case has closed, before this side
                // has judged it; every case ends by its own hard limit, so waiting for them is bounded.
                try { await Task.WhenAll(_running.Keys).WaitAsync(_stop.Token); }
                catch (Exception) when (!_stop.IsCancellationRequested) { /* a failed run is reported by its own result */ }
                WriteReports();
                _progress?.Invoke($"Reports updated in {Path.GetFullPath(_spec.OutDir)}");
                await ReplyAsync(socket, hs, log, early, null);
                break;
            case "/stopServer":
                await ReplyAsync(socket, hs, log, early, null);
                _stopped.TrySetResult();
                break;
            default:
                await ReplyAsync(socket, hs, log, early, null);
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
    private async Task ReplyAsync(Socket socket, ServerHandshake hs, WireLog log, byte[] early, string? message)
    {
        await socket.SendAsync(hs.Accept(ServerName, null), SocketFlags.None);
        var steps = new List<Step>();
        if (message is not null) steps.Add(new SendMessage(Encoding.UTF8.GetBytes(message), false));
        steps.Add(new SendClose(1000));
        var reply = new CaseDefinition("control", "", "") { Steps = steps, Expected = [Build.Ok()], SuppressClose = true, HardLimit = TimeSpan.FromSeconds(10) };
        await new CaseSession(reply, socket, isServer: true, _timeouts, new CaseResult { Case = reply, Log = log }).RunAsync(early);
    }

    private async Task RunCaseAsync(Socket socket, ServerHandshake hs, WireLog log, byte[] early, CaseDefinition c, string agent)
    {
        var result = new CaseResult
        {
            Case = c, Log = log, Agent = agent, IsServer = true, CaseIndex = IndexInSpec(c),
            Started = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"), HttpRequest = hs.Request,
        };
        var chosen = c.DeflatePolicy?.Choose(hs.Headers.GetValueOrDefault("Sec-WebSocket-Extensions"));
        var accept = hs.Accept(ServerName, chosen?.Header);
        result.HttpResponse = hs.Response ?? "?";
        log.TxOctetsSent(accept, false);
        await socket.SendAsync(accept, SocketFlags.None);
        if (_spec.ExcludedFor(agent, c.Id))
        {
            _progress?.Invoke($"Skipping case {c.Id} for agent {agent} (excluded by the spec)");
            var skip = new CaseDefinition(c.Id, "", "") { Steps = [new SendClose(1000)], Expected = [Build.Ok()], SuppressClose = true };
            await new CaseSession(skip, socket, isServer: true, _timeouts, new CaseResult { Case = skip, Log = log }).RunAsync(early);
            return;
        }
        _progress?.Invoke($"Running case {c.Id} for agent {agent}");
        await new CaseSession(c, socket, isServer: true, _timeouts, result, chosen?.Agreement).RunAsync(early);
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
        _listener.Stop();
        if (_accepting is not null) await _accepting;
        await Task.WhenAll(_connections.Keys);
        _stopped.TrySetResult();
        _stop.Dispose();
    }
}
