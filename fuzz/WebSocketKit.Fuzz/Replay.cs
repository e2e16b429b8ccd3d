using WebSocketKit.Fuzz.Targets;

namespace WebSocketKit.Fuzz;

/// <summary>Runs saved inputs through a target without afl-fuzz and prints what each one does.</summary>
internal static class Replay
{
    public static int Run(IFuzzTarget target, IEnumerable<string> paths)
    {
        int findings = 0, total = 0;
        foreach (var file in paths.SelectMany(Expand))
        {
            total++;
            var input = File.ReadAllBytes(file);
            try
            {
                FuzzTargets.RunCapped(target, input);
                Console.WriteLine($"ok       {file}");
            }
            catch (Exception e)
            {
                findings++;
                Console.WriteLine($"FINDING  {file}");
                Console.WriteLine($"exception: {e.GetType().FullName}: {e.Message}");
                Console.WriteLine($"input ({input.Length} bytes): {Hex(input)}");
                Console.WriteLine(e);
            }
        }
        Console.WriteLine($"{target.Name}: {total} inputs, {findings} findings");
        return findings == 0 ? 0 : 1;
    }

    private static IEnumerable<string> Expand(string path)
        => Directory.Exists(path)
            ? Directory.EnumerateFiles(path).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal)
            : [path];

    private static string Hex(byte[] input)
        => input.Length <= 512 ? Convert.ToHexString(input) : Convert.ToHexString(input, 0, 512) + "...";
}
