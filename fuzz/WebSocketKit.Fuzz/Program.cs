using SharpFuzz;
using WebSocketKit.Fuzz;
using WebSocketKit.Fuzz.Targets;

// The AFL++ harness. Usage:
//   WebSocketKit.Fuzz <target>                       fuzz under afl-fuzz (input on stdin)
//   WebSocketKit.Fuzz --replay <target> <path>...    run saved inputs (files or folders), print findings
//   WebSocketKit.Fuzz --list                         registered target names
//   WebSocketKit.Fuzz --write-seeds <corpus-dir>     write every target's seeds to <corpus-dir>/<target>/
return args switch
{
    ["--list"] => List(),
    ["--write-seeds", var dir] => WriteSeeds(dir),
    ["--replay", var name, .. var paths] when paths.Length > 0 => WithTarget(name, t => Replay.Run(t, paths)),
    [var name] when !name.StartsWith('-') => WithTarget(name, Fuzz),
    _ => Usage(),
};

static int Fuzz(IFuzzTarget target)
{
    var buffer = new byte[FuzzTargets.MaxInputBytes];
    // Out of process: a stack overflow or a hang kills only the child, and afl-fuzz records it.
    Fuzzer.OutOfProcess.Run(stream =>
    {
        int n = 0, read;
        while (n < buffer.Length && (read = stream.Read(buffer, n, buffer.Length - n)) > 0) n += read;
        target.Run(buffer.AsSpan(0, n));
    });
    return 0;
}

static int WithTarget(string name, Func<IFuzzTarget, int> action)
{
    var target = FuzzTargets.Create(name);
    if (target is not null) return action(target);
    Console.Error.WriteLine($"unknown target '{name}'; targets: {string.Join(", ", FuzzTargets.Names)}");
    return 2;
}

static int List()
{
    foreach (var name in FuzzTargets.Names) Console.WriteLine(name);
    return 0;
}

static int WriteSeeds(string corpus)
{
    foreach (var name in FuzzTargets.Names)
    {
        var dir = Directory.CreateDirectory(Path.Combine(corpus, name));
        foreach (var seed in FuzzTargets.Create(name)!.Seeds())
            File.WriteAllBytes(Path.Combine(dir.FullName, seed.Name + ".bin"), seed.Data);
    }
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: WebSocketKit.Fuzz <target> | --replay <target> <path>... | --list | --write-seeds <dir>");
    return 2;
}
