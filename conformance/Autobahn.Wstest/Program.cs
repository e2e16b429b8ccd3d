using Autobahn.Engine.Modes;

// A command line shaped like the official wstest for the modes this engine has:
//   wstest -m fuzzingclient -s fuzzingclient.json
//   wstest -m fuzzingserver -s fuzzingserver.json
string? mode = null, specPath = null;
for (int i = 0; i < args.Length; i++)
{
    string a = args[i];
    string? Next() => i + 1 < args.Length ? args[++i] : null;
    if (a is "-m" or "--mode") mode = Next();
    else if (a.StartsWith("--mode=", StringComparison.Ordinal)) mode = a["--mode=".Length..];
    else if (a is "-s" or "--spec") specPath = Next();
    else if (a.StartsWith("--spec=", StringComparison.Ordinal)) specPath = a["--spec=".Length..];
    else if (a is "-h" or "--help") { Usage(); return 0; }
    // Accepted for compatibility with scripts written for the official wstest; they change nothing here.
    else if (a is "-d" or "--debug") { }
    else if (a is "-w" or "--webport") Next();
    else { Console.Error.WriteLine($"wstest: unknown argument '{a}'"); Usage(); return 2; }
}
if (mode is null) { Usage(); return 2; }
specPath ??= mode + ".json";
if (!File.Exists(specPath)) { Console.Error.WriteLine($"wstest: spec file '{specPath}' not found"); return 2; }
FuzzingSpec spec;
try { spec = FuzzingSpec.Parse(File.ReadAllText(specPath)); }
catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or InvalidOperationException)
{
    Console.Error.WriteLine($"wstest: cannot read spec '{specPath}': {e.Message}");
    return 2;
}
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
// `docker stop` sends SIGTERM: stop the same way as Ctrl-C, so fuzzingserver still writes its reports.
using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; cts.Cancel(); });
void Progress(string line) => Console.WriteLine(line);
try
{
    switch (mode)
    {
        case "fuzzingclient":
            var results = await new FuzzingClient(spec, Progress).RunAsync(cts.Token);
            Console.WriteLine($"Done: {results.Count} cases; reports in {Path.GetFullPath(spec.OutDir)}");
            return 0;
        case "fuzzingserver":
            await using (var server = new FuzzingServer(spec, Progress))
            {
                server.Start();
                Console.WriteLine($"Ok, will run {server.Cases.Count} test cases for any clients connecting (Ctrl-C to stop)");
                try { await server.Stopped.WaitAsync(cts.Token); }
                catch (OperationCanceledException) { }
                server.WriteReports();
            }
            Console.WriteLine($"Reports in {Path.GetFullPath(spec.OutDir)}");
            return 0;
        default:
            Console.Error.WriteLine($"wstest: mode '{mode}' is not supported by this engine (fuzzingclient, fuzzingserver)");
            return 2;
    }
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("wstest: interrupted");
    return 130;
}

static void Usage() => Console.Error.WriteLine("usage: wstest -m fuzzingclient|fuzzingserver -s <spec.json>");
