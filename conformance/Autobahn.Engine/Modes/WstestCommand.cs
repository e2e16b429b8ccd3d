using System.Text.Json.Nodes;

namespace Autobahn.Engine.Modes;

/// <summary>
/// The official wstest command line, for the two modes this engine has (fuzzingclient tests servers,
/// fuzzingserver tests clients). Every option of the official parser is accepted, in its long and short forms
/// (-m/--mode, -s/--spec, -w/--wsuri, -u/--webport, -t/--testset, -o/--outfile, -i/--ident, -k/--key,
/// -c/--cert, -d/--debug, -a/--autobahnversion), so scripts written for the official image run unchanged.
/// Both the wstest executable and the wsconform tool (in process) call <see cref="RunAsync"/>.
/// </summary>
public static class WstestCommand
{
    public const string Version = "AutobahnEngine 1.0 (wstest-compatible, cases of AutobahnTestSuite 25.10.1)";

    public const int Done = 0;
    public const int CannotRun = 2;
    public const int Interrupted = 130;

    private static readonly Dictionary<string, string> LongNames = new(StringComparer.Ordinal)
    {
        ["m"] = "mode", ["s"] = "spec", ["w"] = "wsuri", ["u"] = "webport", ["t"] = "testset", ["o"] = "outfile",
        ["i"] = "ident", ["k"] = "key", ["c"] = "cert",
    };

    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal) { ["d"] = "debug", ["a"] = "autobahnversion", ["h"] = "help" };

    /// <summary>The parsed command line: option name (long form) to value; flags map to "true".</summary>
    public static Dictionary<string, string> Parse(IReadOnlyList<string> args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            string? name, value = null;
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                name = a[2..];
                int eq = name.IndexOf('=', StringComparison.Ordinal);
                if (eq >= 0) (name, value) = (name[..eq], name[(eq + 1)..]);
            }
            else if (a.Length >= 2 && a[0] == '-')
            {
                string letter = a[1].ToString();
                name = LongNames.GetValueOrDefault(letter) ?? Flags.GetValueOrDefault(letter)
                       ?? throw new ArgumentException($"unknown option '{a}'");
                // Short options take their value glued on (-mfuzzingclient) or as the next argument.
                if (a.Length > 2) value = a[2..];
            }
            else throw new ArgumentException($"unexpected argument '{a}'");

            if (Flags.ContainsValue(name))
            {
                if (value is not null) throw new ArgumentException($"option --{name} takes no value");
                options[name] = "true";
                continue;
            }
            if (!LongNames.ContainsValue(name)) throw new ArgumentException($"unknown option '--{name}'");
            value ??= i + 1 < args.Count ? args[++i] : throw new ArgumentException($"option --{name} needs a value");
            options[name] = value;
        }
        if (options.TryGetValue("webport", out var port) && (!int.TryParse(port, out int p) || p is < 0 or > 65535))
            throw new ArgumentException($"invalid Web port {port}");
        return options;
    }

    /// <summary>Runs wstest with <paramref name="args"/>; progress goes to <paramref name="output"/>, problems to <paramref name="error"/>.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken ct)
    {
        Dictionary<string, string> o;
        try { o = Parse(args); }
        catch (ArgumentException e)
        {
            error.WriteLine($"wstest: {e.Message}");
            Usage(error);
            return CannotRun;
        }
        if (o.ContainsKey("help")) { Usage(output); return Done; }
        if (o.ContainsKey("autobahnversion")) { output.WriteLine(Version); return Done; }
        if (!o.TryGetValue("mode", out var mode)) { error.WriteLine("wstest: a mode must be specified to run!"); Usage(error); return CannotRun; }
        if (mode is not ("fuzzingclient" or "fuzzingserver"))
        {
            error.WriteLine($"wstest: mode '{mode}' is not supported by this engine (fuzzingclient, fuzzingserver)");
            return CannotRun;
        }

        FuzzingSpec spec;
        try { spec = LoadSpec(mode, o, output); }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or InvalidOperationException or IOException)
        {
            error.WriteLine($"wstest: cannot read spec: {e.Message}");
            return CannotRun;
        }
        void Progress(string line) { lock (output) output.WriteLine(line); }
        try
        {
            if (mode == "fuzzingclient")
            {
                if (spec.Servers.Count == 0) { error.WriteLine("wstest: fuzzingclient needs servers in the spec, or -w ws://host:port"); return CannotRun; }
                var results = await new FuzzingClient(spec, Progress).RunAsync(ct).ConfigureAwait(false);
                output.WriteLine($"Done: {results.Count} cases; reports in {Path.GetFullPath(spec.OutDir)}");
                return Done;
            }
            // The official server also serves a web page on --webport (8080 unless 0); this engine has none, so
            // no port besides the spec's url is ever taken.
            await using (var server = new FuzzingServer(spec, Progress))
            {
                server.Start();
                output.WriteLine($"Ok, will run {server.Cases.Count} test cases for any clients connecting (Ctrl-C to stop)");
                try { await server.Stopped.WaitAsync(ct).ConfigureAwait(false); }
                catch (OperationCanceledException) { }
                server.WriteReports();
            }
            output.WriteLine($"Reports in {Path.GetFullPath(spec.OutDir)}");
            return Done;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("wstest: interrupted");
            return Interrupted;
        }
        catch (System.Net.Sockets.SocketException e)
        {
            error.WriteLine($"wstest: {e.Message}");
            return CannotRun;
        }
    }

    /// <summary>
    /// The spec as the official wstest finds it: -s FILE, else &lt;mode&gt;.json in the working folder, else the
    /// default spec; a fuzzingclient spec without servers tests the one given with -w.
    /// </summary>
    private static FuzzingSpec LoadSpec(string mode, Dictionary<string, string> o, TextWriter output)
    {
        FuzzingSpec spec;
        string path = o.GetValueOrDefault("spec") ?? mode + ".json";
        if (File.Exists(path)) spec = FuzzingSpec.Parse(File.ReadAllText(path));
        else if (o.ContainsKey("spec")) throw new IOException($"spec file '{path}' not found");
        else
        {
            output.WriteLine($"No spec file {path}: using the default spec");
            spec = mode == "fuzzingclient" ? new FuzzingSpec() : new FuzzingSpec { OutDir = "./reports/clients" };
        }
        if (o.TryGetValue("wsuri", out var uri))
        {
            if (mode == "fuzzingclient" && spec.Servers.Count == 0) spec.Servers.Add(new ServerSpec(o.GetValueOrDefault("ident"), uri, new JsonObject()));
            else if (mode == "fuzzingserver" && spec.Url is null) spec = spec with { Url = uri };
        }
        return spec;
    }

    private static void Usage(TextWriter w) => w.WriteLine(
        "usage: wstest -m fuzzingclient|fuzzingserver [-s spec.json] [-w ws://host:port] [-u webport] [-d]\n" +
        "       (the official wstest's other options are accepted: -t, -o, -i, -k, -c, -a)");
}
