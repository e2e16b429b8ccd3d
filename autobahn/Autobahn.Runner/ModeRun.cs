using Autobahn.Runner.Reports;
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

    public string Folder { get; }

    public string Outdir { get; }

    public ILogger Log { get; }

    public ILogger SuiteOutput { get; }

    public Task<ISuiteProcess> StartSuiteAsync(ISuiteEngine engine, string mode, string specFile, Action<string>? onLine, int? listenPort, CancellationToken ct) =>
        engine.StartAsync(["-m", mode, "-s", engine.ConfigPath(specFile)], line =>
        {
            SuiteOutput.LogDebug("{Line}", line);
            onLine?.Invoke(line);
        }, listenPort, ct);

    public Verdict Publish(ISuiteEngine engine, string agent, string? target, bool claimsCompression) =>
        ReportPublisher.Publish(Outdir, agent, engine, target,
            new VerdictPolicy(claimsCompression, _options.Strict, _options.FailOnUnimplemented), _indexBefore, Log);
}
