using System.Globalization;
using Autobahn.Engine.Cases;
using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;
using Microsoft.Extensions.Logging;

namespace Autobahn.Runner;

/// <summary>
/// What both modes share: the mode's folder under reports/, its index.json as it was before the run (so other
/// agents are kept), the logs (the suite's own output at debug level), and publishing the result.
/// </summary>
internal sealed class ModeRun
{
    private readonly RunnerOptions _options;
    private readonly string? _indexBefore;

    public ModeRun(string folder, string category, RunnerOptions options, ILoggerFactory logs)
    {
        _options = options;
        Folder = folder;
        Log = logs.CreateLogger(category);
        SuiteOutput = logs.CreateLogger("wstest");
        Outdir = Path.Combine(options.ReportsDirectory, folder);
        Directory.CreateDirectory(Outdir);
        _indexBefore = IndexMerge.ReadBefore(Outdir);
    }

    public static readonly string[] WebPortOff = ["--webport", "0"];

    public string Folder { get; }

    public string Outdir { get; }

    public ILogger Log { get; }

    public ILogger SuiteOutput { get; }

    /// <summary>
    /// Starts wstest in <paramref name="mode"/>. fuzzingserver gets --webport 0: the official one otherwise also
    /// serves a web page on 8080, and a run must not fail because something else holds that port.
    /// </summary>
    public Task<ISuiteProcess> StartSuiteAsync(ISuiteEngine engine, string mode, string specFile, Action<string>? onLine, int? listenPort, CancellationToken ct) =>
        engine.StartAsync(["-m", mode, "-s", engine.ConfigPath(specFile), .. mode == "fuzzingserver" ? WebPortOff : Array.Empty<string>()], line =>
        {
            SuiteOutput.LogDebug("{Line}", line);
            onLine?.Invoke(line);
        }, listenPort, ct);

    /// <summary>
    /// Client mode's start, whoever drives the client: the fuzzingserver spec for the run's selection on 127.0.0.1:--port,
    /// the suite started and listening, and how many cases it serves. The caller disposes the suite.
    /// </summary>
    public async Task<(ISuiteProcess Suite, Uri BaseUri, int Count)> StartFuzzingServerAsync(ISuiteEngine engine, string configDir, CancellationToken ct)
    {
        // Over h2 the engine serves TLS (ALPN h2), so its URL is wss://; h2c is cleartext with prior knowledge.
        var scheme = _options.Transport == Autobahn.Engine.Transport.WebSocketTransports.H2 ? "wss" : "ws";
        var baseUri = new Uri($"{scheme}://127.0.0.1:{_options.Port.ToString(CultureInfo.InvariantCulture)}/");
        var (cases, exclude) = _options.SuiteSelection();
        SuiteConfig.Write(configDir, SuiteConfig.FuzzingServerFile,
            SuiteConfig.FuzzingServer(baseUri.ToString().TrimEnd('/'), engine.ReportsPath(Folder), cases, exclude, _options.Profile.Name(), _options.Transport));
        var suite = await StartSuiteAsync(engine, "fuzzingserver", SuiteConfig.FuzzingServerFile, null, _options.Port, ct).ConfigureAwait(false);
        try
        {
            await SuiteControl.WaitForPortAsync("127.0.0.1", _options.Port, suite.Exited, _options.StartTimeout, ct).ConfigureAwait(false);
            var count = await SuiteControl.WithTimeout(_options.CaseTimeout, ct, t => SuiteControl.GetCaseCountAsync(baseUri, t, _options.Transport)).ConfigureAwait(false);
            return (suite, baseUri, count);
        }
        catch
        {
            await suite.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public RunOutcome Publish(ISuiteEngine engine, string agent, string? target, bool claimsCompression) =>
        ReportPublisher.Publish(Folder, Outdir, agent, engine, target, _options,
            new VerdictPolicy(claimsCompression, _options.Strict, _options.FailOnUnimplemented), _indexBefore, Log);
}
