using System.CommandLine;
using Autobahn.Engine.Cases;
using Autobahn.Runner;
using Autobahn.Runner.Reports;
using Autobahn.Vocabulary;
using Microsoft.Extensions.Logging;

// wsconform: the Autobahn TestSuite's cases against any WebSocket server or client, with CI outputs.
// Exit status: 0 passed, 1 failed (or, with --expect, a verdict changed), 2 could not run, 130 interrupted.

// ---- options every run shares ----
var agent = new Option<string?>("--agent") { Description = "agent name in the reports (server: target-server or websocketkit-server; client: the echo client's name or client-under-test)" };
var engine = new Option<EngineChoice>("--engine") { Description = "builtin (default: our engine, in this process), docker (the suite's image through Docker), or auto (docker when an engine and the image can be had)", DefaultValueFactory = _ => EngineChoice.Builtin };
var image = new Option<string>("--image") { Description = "the suite's image for --engine docker", DefaultValueFactory = _ => DockerSuiteEngine.DefaultImage };
var wstest = new Option<string?>("--wstest") { Description = "run the built-in engine as this wstest-compatible command (executable or .dll) instead of in process" };
var cases = new Option<string[]>("--cases") { Description = "case patterns, e.g. '1.*' 9.1.1 (default: all)", AllowMultipleArgumentsPerToken = true };
var exclude = new Option<string[]>("--exclude-cases") { Description = "case patterns to leave out", AllowMultipleArgumentsPerToken = true };
var profile = new Option<string>("--profile") { Description = "autobahn (default: exactly the official verdicts) or rfc (RFC 6455 and the IANA registry as they stand today; docs/profiles.md)", DefaultValueFactory = _ => "autobahn" };
var shard = new Option<string?>("--shard") { Description = "i/n: run only shard i of n, a deterministic duration-balanced part of the selected cases (join shards with `wsconform merge`)" };
var compression = new Option<bool?>("--compression") { Description = "the side under test offers permessage-deflate, so UNIMPLEMENTED in 12.x/13.x fails (default: on for ours, off otherwise)" };
var strict = new Option<bool>("--strict") { Description = "NON-STRICT fails the run too" };
var failUnimplemented = new Option<bool>("--fail-unimplemented") { Description = "UNIMPLEMENTED fails the run even without a compression claim" };
// A last resort against a client that hangs: the suite ends every case itself, the built-in engine once the wire has
// been idle for 30 s, so this must not cut short a correct client that is merely slow on a busy machine.
var caseTimeout = new Option<int>("--case-timeout") { Description = "seconds one client-mode case, or one control request, may take", DefaultValueFactory = _ => 1800 };
var suiteTimeout = new Option<int>("--suite-timeout") { Description = "minutes a server-mode run may take", DefaultValueFactory = _ => 60 };
var keep = new Option<bool>("--keep") { Description = "leave the container after the run, for debugging" };
var reports = new Option<string>("--reports") { Description = $"reports folder (the official layout: servers/, clients/; default {RunnerOptions.DefaultReportsDirectory})", DefaultValueFactory = _ => RunnerOptions.DefaultReportsDirectory };
var verbose = new Option<bool>("--verbose") { Description = "debug logging, including the suite's own output" };
var transport = new Option<string>("--transport") { Description = "what the WebSockets go over: h1 (HTTP/1.1, default), h2c (HTTP/2 cleartext, prior knowledge) or h2 (HTTP/2 over TLS); h2 and h2c run each case on an extended CONNECT stream (RFC 8441), built-in engine only", DefaultValueFactory = _ => "h1" };
var acceptSelfSigned = new Option<bool>("--insecure") { Description = "server mode over h2: accept the server's certificate unchecked (self-signed)" };
// ---- CI outputs ----
var junit = new Option<string?>("--junit") { Description = "write JUnit XML here: one testcase per case, grouped by chapter" };
var summary = new Option<string?>("--summary") { Description = "write a Markdown summary here (also appended to $GITHUB_STEP_SUMMARY when set)" };
var expect = new Option<string?>("--expect") { Description = "golden mode: compare verdicts with this baseline; exit 1 only when a verdict changed" };
var writeExpect = new Option<string?>("--write-expect") { Description = "save this run's verdicts as a baseline for --expect" };
Option[] outputs = [junit, summary, expect, writeExpect];
Option[] runOptions = [agent, engine, image, wstest, cases, exclude, profile, shard, compression, strict, failUnimplemented, caseTimeout, suiteTimeout, keep, reports, verbose, transport, .. outputs];

// ---- client mode's own ----
var exec = new Option<string?>("--exec") { Description = "the client's command, started once for the run through the shell; {url} {agent} {count} are filled in" };
var client = new Option<string?>("--client") { Description = "an in-process client instead: websocketkit (ours) or clientwebsocket (.NET's)" };
var port = new Option<int>("--port") { Description = "port the cases are served on (127.0.0.1)", DefaultValueFactory = _ => 9001 };
var deadline = new Option<int>("--deadline") { Description = "minutes an outside client may take for the whole run", DefaultValueFactory = _ => 30 };
var parallel = new Option<int>("--parallel") { Description = "with --client and the built-in engine: cases at once (timing-sensitive ones alone)", DefaultValueFactory = _ => 16 };

// ---- server ----
var url = new Argument<string?>("url") { Description = "ws:// or wss:// URL of the running server to test (omitted: our own echo server, in a checkout)", Arity = ArgumentArity.ZeroOrOne };
var echoServer = new Option<string?>("--echo-server") { Description = "without a URL: our echo server's .dll (default: impl/WebSocketKit.EchoServer's build in this checkout)" };
var server = new Command("server", "Test a running WebSocket server: the suite's fuzzingclient connects to it once per case.") { url, echoServer, acceptSelfSigned };
foreach (var o in runOptions) server.Options.Add(o);
server.SetAction((parse, ct) => Run(parse, RunMode.Server, ct));

// ---- client ----
var clientCommand = new Command("client", "Test a WebSocket client: serve the cases (the suite's fuzzingserver) and start the client with --exec, or wait for it.")
{
    exec, client, port, deadline, parallel,
};
foreach (var o in runOptions) clientCommand.Options.Add(o);
clientCommand.SetAction((parse, ct) => Run(parse, RunMode.Client, ct));

// ---- cases ----
var patterns = new Argument<string[]>("patterns") { Description = "case patterns (default: all)", Arity = ArgumentArity.ZeroOrMore };
var json = new Option<bool>("--json") { Description = "one JSON array instead of text" };
var casesCommand = new Command("cases", "List the cases: id, what the case sends and what it expects. Runs nothing.") { patterns, profile, json };
casesCommand.SetAction(parse =>
{
    if (!TryProfile(parse.GetValue(profile), out var p)) return RunnerApp.CannotRun;
    return CasesCommand.Run(parse.GetValue(patterns) ?? [], p, parse.GetValue(json), Console.Out);
});

// ---- report, merge ----
var report = new Command("report", "Judge reports already written (by either engine, or copied from elsewhere; servers/, clients/ and the RFC 8441 chapter's rfc8441/): chapter tables, verdict, CI outputs; rewrites index.html and rfc8441/index.html.")
{
    reports, compression, strict, failUnimplemented, verbose, junit, summary, expect, writeExpect,
};
report.SetAction(parse =>
{
    using var logs = Logs(parse.GetValue(verbose));
    return ReportCommand.Run(parse.GetValue(reports)!, Policy(parse), Outputs(parse), logs.CreateLogger("report"));
});
var dirs = new Argument<string[]>("folders") { Description = "reports folders to join (e.g. one per shard)", Arity = ArgumentArity.OneOrMore };
var merge = new Command("merge", "Join reports folders (such as shards; servers/, clients/ and rfc8441/) into one official-layout report in --reports, then judge it like `report`.")
{
    dirs, reports, compression, strict, failUnimplemented, verbose, junit, summary, expect, writeExpect,
};
merge.SetAction(parse =>
{
    using var logs = Logs(parse.GetValue(verbose));
    return ReportCommand.Merge(parse.GetValue(dirs)!, parse.GetValue(reports)!, Policy(parse), Outputs(parse), logs.CreateLogger("merge"));
});

// ---- summary ----
var summaryOut = new Option<string>("--out") { Description = "where to write the summary (JSON, wsconform-summary/1)", Required = true };
var commit = new Option<string>("--commit") { Description = "the commit the reports were produced from (a git commit id, optionally with -dirty)", Required = true };
var summaryCommand = new Command("summary", "Write a small JSON summary of a reports folder (per mode and agent: case counts by verdict, overall and per chapter; per RFC 8441 run: by verdict, overall and per section; the commit and this tool's version), the part of a run worth keeping in git.")
{
    reports, summaryOut, commit, verbose,
};
summaryCommand.SetAction(parse =>
{
    using var logs = Logs(parse.GetValue(verbose));
    var log = logs.CreateLogger("summary");
    try
    {
        var made = RunSummary.Build(parse.GetValue(reports)!, parse.GetValue(commit)!, ToolVersion.Current, DateTimeOffset.UtcNow);
        if (made.Check() is { Count: > 0 } problems)
        {
            foreach (var p in problems) log.LogError("summary: {Problem}", p);
            return RunnerApp.CannotRun;
        }
        made.Save(parse.GetValue(summaryOut)!);
        log.LogInformation("summary of {Count} runs written to {Path}", made.Modes.Count + (made.Rfc8441?.Count ?? 0), parse.GetValue(summaryOut));
        return RunnerApp.Passed;
    }
    catch (Exception e) when (e is InvalidOperationException or IOException or FormatException or System.Text.Json.JsonException)
    {
        log.LogError("cannot summarise: {Message}", e.Message);
        return RunnerApp.CannotRun;
    }
});

// ---- pack-image ----
var app = new Option<string>("--app") { Description = "a self-contained linux-x64 publish folder", Required = true };
var executable = new Option<string>("--executable") { Description = "the app's executable in that folder", Required = true };
var tag = new Option<string>("--tag") { Description = "the image tag to build", Required = true };
var commandNames = new Option<string[]>("--command") { Description = "names on the PATH that run the app (default: wstest)", AllowMultipleArgumentsPerToken = true };
var pack = new Command("pack-image", "Pack a self-contained app (e.g. the built-in engine's wstest) into a FROM-scratch image with /config and /reports, built locally through Docker.DotNet.")
{
    app, executable, tag, commandNames, verbose,
};
pack.SetAction(async (parse, ct) =>
{
    using var logs = Logs(parse.GetValue(verbose));
    var log = logs.CreateLogger("pack-image");
    try
    {
        using var docker = await DockerEngine.ConnectAsync(DockerEngine.DefaultEndpoint(), log, ct);
        var names = parse.GetValue(commandNames) is { Length: > 0 } given ? given : ["wstest"];
        await ImagePacker.PackAsync(docker, parse.GetValue(app)!, parse.GetValue(executable)!, names, parse.GetValue(tag)!, log, ct);
        return RunnerApp.Passed;
    }
    catch (RunnerException ex)
    {
        log.LogError("cannot pack: {Message}", ex.Message);
        return RunnerApp.CannotRun;
    }
});

// ---- fuzz, replay ----
var fuzzUrl = new Argument<string>("url") { Description = "ws:// URL of the running server to fuzz (loopback unless --allow-remote)" };
var seed = new Option<int>("--seed") { Description = "the generator's seed: the same seed against the same server gives the same sessions", DefaultValueFactory = _ => 1 };
var duration = new Option<double>("--duration") { Description = "seconds to fuzz at most", DefaultValueFactory = _ => 60 };
var sessions = new Option<int?>("--sessions") { Description = "sessions to run at most" };
var connections = new Option<int>("--connections") { Description = "sessions at once", DefaultValueFactory = _ => 4 };
var rate = new Option<double>("--rate") { Description = "sessions started per second at most (0: no limit)", DefaultValueFactory = _ => 0 };
var noEcho = new Option<bool>("--no-echo") { Description = "the server is not an echo server: check protocol rules only, not that messages come back" };
var fuzzDeadline = new Option<double>("--deadline") { Description = "seconds the server has for each answer (echoes, a close, the TCP close)", DefaultValueFactory = _ => 2 };
var probeEvery = new Option<int>("--probe-every") { Description = "a liveness probe (a fresh connection with a plain message) after this many sessions", DefaultValueFactory = _ => 50 };
var pid = new Option<int?>("--pid") { Description = "watch this process's resident memory (/proc/PID/status) and flag growth past --rss-limit" };
var rssLimit = new Option<long>("--rss-limit") { Description = "MB of RSS growth that counts as a finding", DefaultValueFactory = _ => 200 };
var fuzzExec = new Option<string?>("--exec") { Description = "start the server with this shell command, and restart it when it dies (recorded as a finding)" };
var outDir = new Option<string>("--out") { Description = "folder for findings (minimized, replayable JSON)", DefaultValueFactory = _ => Path.Combine("artifacts", "fuzz-remote") };
var allowRemote = new Option<bool>("--allow-remote") { Description = "allow a target that is not a loopback address" };
var noMinimize = new Option<bool>("--no-minimize") { Description = "write findings as found, without delta debugging" };
var fuzzReport = new Option<string?>("--report") { Description = "write the campaign's summary (sessions, frames, findings by rule, time) as JSON here" };
var fuzz = new Command("fuzz", "Fuzz a running WebSocket server with whole sessions (handshake, frames, timing), guided by its answers; findings are minimized and written for `replay`.")
{
    fuzzUrl, seed, duration, sessions, connections, rate, noEcho, fuzzDeadline, probeEvery, pid, rssLimit, fuzzExec, outDir, allowRemote, noMinimize, fuzzReport,
};
fuzz.SetAction(async (parse, ct) =>
{
    if (FuzzCommands.Target(parse.GetValue(fuzzUrl)!, parse.GetValue(allowRemote), Console.Error) is not { } target) return RunnerApp.CannotRun;
    if (parse.GetValue(connections) < 1 || parse.GetValue(fuzzDeadline) <= 0 || parse.GetValue(duration) <= 0 || parse.GetValue(sessions) is < 1)
    {
        Console.Error.WriteLine("wsconform: --connections, --sessions, --duration and --deadline must be positive");
        return RunnerApp.CannotRun;
    }
    var options = new Autobahn.Fuzz.FuzzOptions
    {
        Target = target,
        Seed = parse.GetValue(seed),
        Duration = TimeSpan.FromSeconds(parse.GetValue(duration)),
        Sessions = parse.GetValue(sessions),
        Connections = parse.GetValue(connections),
        Rate = parse.GetValue(rate),
        Echo = !parse.GetValue(noEcho),
        Deadline = TimeSpan.FromSeconds(parse.GetValue(fuzzDeadline)),
        ProbeEvery = Math.Max(1, parse.GetValue(probeEvery)),
        Pid = parse.GetValue(pid),
        RssGrowthLimitMb = parse.GetValue(rssLimit),
        Exec = parse.GetValue(fuzzExec),
        OutDirectory = parse.GetValue(outDir)!,
        Minimize = !parse.GetValue(noMinimize),
    };
    return await FuzzCommands.FuzzAsync(options, parse.GetValue(fuzzReport), Console.Out, ct);
});
var findingFile = new Argument<string>("file") { Description = "a finding written by `wsconform fuzz`" };
var replayUrl = new Argument<string>("url") { Description = "ws:// URL of the server to replay it against" };
var replay = new Command("replay", "Run one finding's session again and show, step by step, what was sent, what came back, and the rule broken (exit 1 when it reproduces).")
{
    findingFile, replayUrl, fuzzDeadline, allowRemote,
};
replay.SetAction(async (parse, ct) =>
{
    if (FuzzCommands.Target(parse.GetValue(replayUrl)!, parse.GetValue(allowRemote), Console.Error) is not { } target) return RunnerApp.CannotRun;
    return await FuzzCommands.ReplayAsync(parse.GetValue(findingFile)!, target, TimeSpan.FromSeconds(parse.GetValue(fuzzDeadline)), Console.Out, ct);
});

// ---- rfc8441 ----
var h2Url = new Argument<string>("url") { Description = "http:// (h2c, prior knowledge) or https:// (TLS, ALPN h2) URL of a running WebSocket echo server; ws:// and wss:// name the same" };
var insecure = new Option<bool>("--insecure") { Description = "accept the server's TLS certificate unchecked (a self-signed test certificate)" };
var rfc8441 = new Command("rfc8441", "Test a running server's WebSocket over HTTP/2 (RFC 8441): one case per requirement, through the engine's own HTTP/2 frame layer; reports in REPORTS/rfc8441.")
{
    h2Url, insecure, agent, cases, strict, reports, junit, verbose,
};
rfc8441.SetAction(async (parse, ct) =>
{
    using var logs = Logs(parse.GetValue(verbose));
    var o = new Rfc8441Command.Options(parse.GetValue(h2Url)!, parse.GetValue(insecure), parse.GetValue(agent),
        RunnerOptions.SplitPatterns(parse.GetValue(cases), []), parse.GetValue(strict), parse.GetValue(reports)!, parse.GetValue(junit));
    return await Rfc8441Command.RunAsync(o, Console.Out, logs.CreateLogger("rfc8441"), ct);
});

var root = new RootCommand(
    "wsconform: WebSocket conformance for any server or client (the Autobahn TestSuite's cases).\n" +
    "Exit status: 0 passed, 1 failed (with --expect: a verdict changed), 2 could not run.")
{
    server, clientCommand, casesCommand, report, merge, summaryCommand, pack, fuzz, replay, rfc8441,
};

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // A command line that cannot be understood is "could not run" (2), never "failed" (1), which CI reads as verdicts.
    foreach (var e in parsed.Errors) Console.Error.WriteLine("wsconform: " + e.Message);
    Console.Error.WriteLine("run `wsconform --help` for usage");
    return RunnerApp.CannotRun;
}
// Ctrl-C cancels the run's token; the runner then stops and removes its container (stop waits up to 5 s, cleanup
// is bounded at 30 s), so the process must not be torn down after System.CommandLine's default two seconds.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(45) });

async Task<int> Run(ParseResult parse, RunMode mode, CancellationToken ct)
{
    using var logs = Logs(parse.GetValue(verbose));
    var log = logs.CreateLogger("wsconform");
    if (!TryProfile(parse.GetValue(profile), out var p)) return RunnerApp.CannotRun;
    string way;
    try { way = Autobahn.Engine.Transport.WebSocketTransports.Parse(parse.GetValue(transport)); }
    catch (InvalidDataException e) { log.LogError("--transport: {Message}", e.Message); return RunnerApp.CannotRun; }
    (int, int)? shardSpec = null;
    if (parse.GetValue(shard) is { } s)
    {
        try { shardSpec = Shards.Parse(s); }
        catch (FormatException e) { log.LogError("--shard: {Message}", e.Message); return RunnerApp.CannotRun; }
    }
    var options = new RunnerOptions
    {
        Mode = mode,
        Target = mode == RunMode.Server ? parse.GetValue(url) : null,
        Agent = parse.GetValue(agent),
        Engine = parse.GetValue(engine),
        Image = parse.GetValue(image)!,
        Wstest = parse.GetValue(wstest),
        EchoServer = mode == RunMode.Server ? parse.GetValue(echoServer) : null,
        Cases = RunnerOptions.SplitPatterns(parse.GetValue(cases), ["*"]),
        Transport = way,
        AcceptAnyCertificate = mode == RunMode.Server && parse.GetValue(acceptSelfSigned),
        ExcludeCases = RunnerOptions.SplitPatterns(parse.GetValue(exclude), []),
        Profile = p,
        Shard = shardSpec,
        Compression = parse.GetValue(compression),
        Strict = parse.GetValue(strict),
        FailOnUnimplemented = parse.GetValue(failUnimplemented),
        EchoClient = mode == RunMode.Client ? parse.GetValue(client) : null,
        Exec = mode == RunMode.Client ? parse.GetValue(exec) : null,
        ClientDeadline = TimeSpan.FromMinutes(mode == RunMode.Client ? parse.GetValue(deadline) : 30),
        Port = mode == RunMode.Client ? parse.GetValue(port) : 9001,
        CaseTimeout = TimeSpan.FromSeconds(parse.GetValue(caseTimeout)),
        Parallel = mode == RunMode.Client ? parse.GetValue(parallel) : 16,
        SuiteTimeout = TimeSpan.FromMinutes(parse.GetValue(suiteTimeout)),
        Keep = parse.GetValue(keep),
        ReportsDirectory = parse.GetValue(reports)!,
        Outputs = Outputs(parse),
    };
    if (options.Exec is not null && options.EchoClient is not null)
    {
        log.LogError("--exec and --client both name the client under test: give one");
        return RunnerApp.CannotRun;
    }
    return await RunnerApp.RunAsync(options, logs, ct);
}

OutputOptions Outputs(ParseResult parse) => new()
{
    JUnit = parse.GetValue(junit),
    Summary = parse.GetValue(summary),
    Expect = parse.GetValue(expect),
    WriteExpect = parse.GetValue(writeExpect),
};

VerdictPolicy Policy(ParseResult parse) => new(parse.GetValue(compression) ?? false, parse.GetValue(strict), parse.GetValue(failUnimplemented));

static bool TryProfile(string? name, out SuiteProfile profile)
{
    try
    {
        profile = SuiteProfiles.Parse(name);
        return true;
    }
    catch (InvalidDataException e)
    {
        Console.Error.WriteLine("wsconform: --profile: " + e.Message);
        profile = SuiteProfile.Autobahn;
        return false;
    }
}

static ILoggerFactory Logs(bool verbose) => LoggerFactory.Create(b => b
    .AddSimpleConsole(c => { c.SingleLine = true; c.TimestampFormat = "HH:mm:ss "; })
    .SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information));
