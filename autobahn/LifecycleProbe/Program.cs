// write <file> <text>: writes /reports/<file>, prints one line to each stream, exits 3 (so the exit code is seen).
// wait: prints "waiting" and runs until the container is stopped (SIGTERM; as PID 1 it must handle it itself).
switch (args)
{
    case ["write", var file, var text]:
        File.WriteAllText(Path.Combine("/reports", file), text);
        Console.Out.WriteLine("probe stdout: wrote " + file);
        Console.Error.WriteLine("probe stderr: done");
        return 3;
    case ["wait"]:
        var stopped = new TaskCompletionSource();
        using (System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stopped.TrySetResult(); }))
        {
            Console.Out.WriteLine("waiting");
            Console.Out.Flush();
            await stopped.Task;
        }
        Console.Out.WriteLine("stopped");
        return 143;
    default:
        Console.Error.WriteLine("usage: LifecycleProbe write <file> <text> | wait");
        return 64;
}
