using System.CommandLine;
using Autobahn.Runner;
using Microsoft.Extensions.Logging;

var mode = new Option<RunMode>("--mode") { Description = "both (default), client or server", DefaultValueFactory = _ => RunMode.Both };
var target = new Option<string?>("--target") { Description = "server mode against ANY server at this ws://host:port/path" };
var agent = new Option<string?>("--agent") { Description = "agent name in the reports (default: the echo client's name, or target-server)" };
var engine = new Option<EngineChoice>("--engine") { Description = "auto (default: docker when an engine and the image can be had, else builtin), docker or builtin", DefaultValueFactory = _ => EngineChoice.Auto };
var image = new Option<string>("--image") { Description = "the suite's image", DefaultValueFactory = _ => DockerSuiteEngine.DefaultImage };
var wstest = new Option<string?>("--wstest") { Description = "the built-in engine's wstest-compatible command (executable or .dll)" };
var echoServer = new Option<string?>("--echo-server") { Description = "our echo server's .dll (default: impl/WebSocketKit.EchoServer's build in this checkout)" };
var cases = new Option<string[]>("--cases") { Description = "case patterns, e.g. 1.* 9.1.1 (default: all)", AllowMultipleArgumentsPerToken = true };
var exclude = new Option<string[]>("--exclude-cases") { Description = "case patterns to leave out", AllowMultipleArgumentsPerToken = true };
var compression = new Option<bool?>("--compression") { Description = "the side under test offers permessage-deflate (default: on for ours, off for a --target); then UNIMPLEMENTED fails" };
var strict = new Option<bool>("--strict") { Description = "NON-STRICT fails the run too" };
var failUnimplemented = new Option<bool>("--fail-unimplemented") { Description = "UNIMPLEMENTED fails the run even without a compression claim" };
var client = new Option<string>("--client") { Description = "echo client for client mode: websocketkit (ours) or clientwebsocket (.NET's, a different agent)", DefaultValueFactory = _ => EchoClients.WebSocketKit };
var port = new Option<int>("--port") { Description = "port of the suite's fuzzingserver in client mode", DefaultValueFactory = _ => 9001 };
var parallel = new Option<int>("--parallel") { Description = "client mode with the built-in engine: cases at once (timing-sensitive ones alone)", DefaultValueFactory = _ => 16 };
// A last resort against a client that hangs: the suite ends every case itself, the built-in engine once the wire has
// been idle for 30 s, so this must not cut short a correct client that is merely slow on a busy machine.
var caseTimeout = new Option<int>("--case-timeout") { Description = "seconds one client-mode case may take", DefaultValueFactory = _ => 1800 };
var suiteTimeout = new Option<int>("--suite-timeout") { Description = "minutes the whole server-mode run may take", DefaultValueFactory = _ => 60 };
var keep = new Option<bool>("--keep") { Description = "leave the container after the run, for debugging" };
var reports = new Option<string>("--reports") { Description = "reports folder", DefaultValueFactory = _ => "reports" };
var verbose = new Option<bool>("--verbose") { Description = "debug logging, including the suite's own output" };

var root = new RootCommand("Runs the Autobahn TestSuite (container or built-in engine) against a WebSocket client and server and publishes reports.")
{
    mode, target, agent, engine, image, wstest, echoServer, cases, exclude, compression, strict, failUnimplemented, client, port,
    parallel, caseTimeout, suiteTimeout, keep, reports, verbose,
};

var report = new Command("report", "Only read reports/ (any engine's, or copied): print each agent's chapter table and verdict, rewrite reports/index.html.")
{
    reports, compression, strict, failUnimplemented, verbose,
};
report.SetAction(parse =>
{
    using var logs = Logs(parse.GetValue(verbose));
    var policy = new Autobahn.Runner.Reports.VerdictPolicy(parse.GetValue(compression) ?? false, parse.GetValue(strict), parse.GetValue(failUnimplemented));
    return ReportCommand.Run(parse.GetValue(reports)!, policy, logs.CreateLogger("report"));
});
root.Subcommands.Add(report);

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
root.Subcommands.Add(pack);

root.SetAction(async (parse, ct) =>
{
    using var logs = Logs(parse.GetValue(verbose));
    var options = new RunnerOptions
    {
        Mode = parse.GetValue(mode),
        Target = parse.GetValue(target),
        Agent = parse.GetValue(agent),
        Engine = parse.GetValue(engine),
        Image = parse.GetValue(image)!,
        Wstest = parse.GetValue(wstest),
        EchoServer = parse.GetValue(echoServer),
        Cases = RunnerOptions.SplitPatterns(parse.GetValue(cases), ["*"]),
        ExcludeCases = RunnerOptions.SplitPatterns(parse.GetValue(exclude), []),
        Compression = parse.GetValue(compression),
        Strict = parse.GetValue(strict),
        FailOnUnimplemented = parse.GetValue(failUnimplemented),
        EchoClient = parse.GetValue(client)!,
        Port = parse.GetValue(port),
        CaseTimeout = TimeSpan.FromSeconds(parse.GetValue(caseTimeout)),
        Parallel = parse.GetValue(parallel),
        SuiteTimeout = TimeSpan.FromMinutes(parse.GetValue(suiteTimeout)),
        Keep = parse.GetValue(keep),
        ReportsDirectory = parse.GetValue(reports)!,
    };
    return await RunnerApp.RunAsync(options, logs, ct);
});

// Ctrl-C cancels the run's token; the runner then stops and removes its container (stop waits up to 5 s, cleanup
// is bounded at 30 s), so the process must not be torn down after System.CommandLine's default two seconds.
static ILoggerFactory Logs(bool verbose) => LoggerFactory.Create(b => b
    .AddSimpleConsole(c => { c.SingleLine = true; c.TimestampFormat = "HH:mm:ss "; })
    .SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information));

return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(45) });
