using SharpFuzz;
using WebSocketKit.Fuzz;
using WebSocketKit.Fuzz.Targets;

// The fuzzing harness. Usage:
//   WebSocketKit.Fuzz <target>                       fuzz under afl-fuzz (input on stdin)
//   WebSocketKit.Fuzz --libfuzzer <target>           fuzz under libFuzzer, started by fuzz/libfuzzer/launcher.c
//   WebSocketKit.Fuzz --replay <target> <path>...    run saved inputs (files or folders), print findings
//   WebSocketKit.Fuzz --list                         registered target names
//   WebSocketKit.Fuzz --write-seeds <corpus-dir>     write every target's seeds to <corpus-dir>/<target>/
return args switch
{
    ["--list"] => List(),
    ["--write-seeds", var dir] => WriteSeeds(dir),
    ["--replay", var name, .. var paths] when paths.Length > 0 => WithTarget(name, t => Replay.Run(t, paths)),
    ["--libfuzzer", var name] => WithTarget(name, LibFuzz),
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

static int LibFuzz(IFuzzTarget target)
{
    // The launcher hands the shared memory and the two pipes over in these variables; without them
    // SharpFuzz would read args[1] as an input file, which here is the target's name.
    if (Environment.GetEnvironmentVariable("__LIBFUZZER_SHM_ID") is null)
    {
        Console.Error.WriteLine("--libfuzzer runs under fuzz/libfuzzer/launcher.c (make fuzz ENGINE=libfuzzer); use --replay for saved inputs");
        return 2;
    }
    // In process: one run per input over the shared memory; an exception ends the process and the
    // launcher reports the input to libFuzzer as a crash, a hang is libFuzzer's -timeout.
    Fuzzer.LibFuzzer.Run(input => FuzzTargets.RunCapped(target, input));
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
    Console.Error.WriteLine("usage: WebSocketKit.Fuzz <target> | --libfuzzer <target> | --replay <target> <path>... | --list | --write-seeds <dir>");
    return 2;
}
