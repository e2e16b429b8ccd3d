using Autobahn.Engine.Cases;
using Autobahn.Runner.Reports;
using Microsoft.Extensions.Logging;

namespace Autobahn.Runner;

/// <summary>One invocation: check what is needed, pick the engine, run the modes, publish reports/index.html.</summary>
public static class RunnerApp
{
    public const int Passed = 0;
    public const int CasesFailed = 1;
    public const int CannotRun = 2;
    public const int Cancelled = 130;

    public static async Task<int> RunAsync(RunnerOptions o, ILoggerFactory logs, CancellationToken ct)
    {
        var log = logs.CreateLogger("runner");
        try
        {
            // Say everything that is missing at once, before anything starts.
            var missing = new List<string>();
            IEchoClient? client = null;
            if (o.RunsClientMode && o.EchoClient is not null)
            {
                try { client = EchoClients.Create(o.EchoClient, o.Compression ?? true, o.Transport); }
                catch (RunnerException ex) { missing.Add("client mode: " + ex.Message); }
            }
            string? echoServer = null;
            if (o.RunsServerMode && o.Target is null && (echoServer = OurEchoServer.Locate(o.EchoServer)) is null)
            {
                missing.Add(o.EchoServer is null
                    ? $"server mode: no URL given, and our echo server ({OurEchoServer.Project}) is not built in this checkout; " +
                      "give the URL of the server to test: wsconform server ws://host:port/path"
                    : $"server mode: {o.EchoServer} does not exist");
            }
            else if (o.RunsServerMode && o.Target is not null && await TargetProblemAsync(o.Target, ct).ConfigureAwait(false) is { } problem)
            {
                missing.Add("server mode: " + problem);
            }
            if (o.Profile != Autobahn.Engine.Cases.SuiteProfile.Autobahn && o.Engine != EngineChoice.Builtin)
            {
                missing.Add($"--profile {o.Profile.Name()} needs the built-in engine (--engine builtin): the official image judges by the suite's own rules only");
            }
            if (Autobahn.Engine.Transport.WebSocketTransports.IsHttp2(o.Transport) && o.Engine != EngineChoice.Builtin)
            {
                missing.Add($"--transport {o.Transport} needs the built-in engine (--engine builtin): the official suite speaks HTTP/1.1 only");
            }
            if (!o.RunsClientMode && !o.RunsServerMode) missing.Add("no mode selected");

            var configDir = Directory.CreateTempSubdirectory("ws-conformance-config-").FullName;
            try
            {
                await using var engine = await SelectEngineAsync(o, configDir, missing, log, ct).ConfigureAwait(false);
                if (missing.Count > 0 || engine is null)
                {
                    foreach (var m in missing) log.LogError("cannot run: {Missing}", m);
                    log.LogError("no report was produced");
                    return CannotRun;
                }

                var runs = new List<RunOutcome>();
                if (o.RunsServerMode && o.Target is not null)
                {
                    runs.Add(await ServerMode.RunAsync(engine, o, configDir, o.Target, o.AgentName(o.Agent ?? "target-server"),
                        o.Compression ?? false, logs, ct).ConfigureAwait(false));
                }
                else if (o.RunsServerMode)
                {
                    await using var server = await OurEchoServer.StartAsync(echoServer!, o.Compression ?? true, o.Transport, log, o.StartTimeout, ct).ConfigureAwait(false);
                    // Over h2 our server's certificate was made for this run: the engine accepts it.
                    var ours = o.Transport == Autobahn.Engine.Transport.WebSocketTransports.H2 ? o with { AcceptAnyCertificate = true } : o;
                    runs.Add(await ServerMode.RunAsync(engine, ours, configDir, server.Url, o.AgentName(o.Agent ?? OurEchoServer.DefaultAgent),
                        server.Compression, logs, ct).ConfigureAwait(false));
                }
                if (client is not null)
                {
                    runs.Add(await ClientMode.RunAsync(engine, o, configDir, client, o.AgentName(o.Agent ?? client.DefaultAgent),
                        client.OffersCompression, logs, ct).ConfigureAwait(false));
                }
                else if (o.RunsClientMode)
                {
                    runs.Add(await OutsideClientMode.RunAsync(engine, o, configDir, o.Agent ?? OutsideClientMode.DefaultAgent,
                        o.Compression ?? false, logs, ct).ConfigureAwait(false));
                }
                (client as IDisposable)?.Dispose();
                var page = IndexPage.Write(o.ReportsDirectory, DateTimeOffset.UtcNow);
                log.LogInformation("published {Page}", page);
                return RunOutputs.Write(o.Outputs, runs, Console.Out, log);
            }
            finally
            {
                Directory.Delete(configDir, recursive: true);
            }
        }
        catch (RunnerException ex)
        {
            log.LogError("cannot run: {Message}", ex.Message);
            return CannotRun;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            log.LogWarning("cancelled; the container (if any) was stopped and removed");
            return Cancelled;
        }
        catch (TimeoutException)
        {
            log.LogError("the suite did not finish within {Minutes:0} minutes", o.SuiteTimeout.TotalMinutes);
            return CannotRun;
        }
    }

    private static async Task<string?> TargetProblemAsync(string target, CancellationToken ct)
    {
        if (!Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Scheme is not ("ws" or "wss"))
        {
            return $"{target} is not a ws:// or wss:// URL";
        }
        return await SuiteControl.AnswersAsync(uri.Host, uri.Port, TimeSpan.FromSeconds(5), ct).ConfigureAwait(false)
            ? null
            : $"nothing accepts connections at {target}; start the server first";
    }

    /// <summary>
    /// docker: the engine and the image, or a clear error. builtin: the engine's command, or a clear error.
    /// auto: docker when an engine and the image can be had, else builtin, saying which and why.
    /// </summary>
    private static async Task<ISuiteEngine?> SelectEngineAsync(RunnerOptions o, string configDir, List<string> missing, ILogger log, CancellationToken ct)
    {
        var reports = Path.GetFullPath(o.ReportsDirectory);
        Directory.CreateDirectory(reports);
        string? dockerProblem = null;
        if (o.Engine is EngineChoice.Docker or EngineChoice.Auto)
        {
            DockerEngine? docker = null;
            try
            {
                docker = await DockerEngine.ConnectAsync(DockerEngine.DefaultEndpoint(), log, ct).ConfigureAwait(false);
                await docker.RemoveLeftoversAsync(ct).ConfigureAwait(false);
                await docker.EnsureImageAsync(o.Image, ct).ConfigureAwait(false);
                return new DockerSuiteEngine(docker, o.Image, configDir, reports, o.Keep);
            }
            catch (RunnerException ex)
            {
                docker?.Dispose();
                if (o.Engine == EngineChoice.Docker)
                {
                    missing.Add("docker engine: " + ex.Message);
                    return null;
                }
                dockerProblem = ex.Message;
            }
        }
        if (o.Wstest is not null && !File.Exists(o.Wstest))
        {
            var why = $"built-in engine: {o.Wstest} does not exist";
            missing.Add(dockerProblem is null ? why : $"{why}; and the docker engine is not usable either: {dockerProblem}");
            return null;
        }
        var command = o.Wstest is null ? null : Path.GetFullPath(o.Wstest);
        if (dockerProblem is not null) log.LogWarning("using the built-in engine because the docker engine is not usable: {Reason}", dockerProblem);
        return new BuiltinSuiteEngine(command, configDir, reports);
    }
}
