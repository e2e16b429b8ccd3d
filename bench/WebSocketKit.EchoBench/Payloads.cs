using System.Text;

namespace WebSocketKit.EchoBench;

/// <summary>
/// Message bodies, seeded so every run sends the same bytes: random bytes (incompressible) and a
/// corpus of chat and telemetry records as JSON (compressible like real traffic, never one byte repeated).
/// </summary>
internal static class Payloads
{
    public static byte[][] Random(int size, int count, int seed = 1)
    {
        var rnd = new Random(seed);
        var all = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            all[i] = new byte[size];
            rnd.NextBytes(all[i]);
        }
        return all;
    }

    /// <summary>
    /// The compressed shapes' message sets: incompressible bytes and JSON of two sizes. The .NET pairs
    /// and the real peers (which read them from files) both take them from here, so all send the same bytes.
    /// </summary>
    public static (string Name, byte[][] Messages)[] DeflateSets() =>
    [
        ("deflate random 16 KiB", Random(16 * 1024, 16, seed: 3)),
        ("deflate JSON 4 KiB", Json(4 * 1024, 64)),
        ("deflate JSON 64 KiB", Json(64 * 1024, 16, seed: 4)),
    ];

    private static readonly string[] Users = ["ana", "bo", "chen", "dara", "eli", "farah", "gus", "hana", "ivo", "jun", "kai", "lena"];
    private static readonly string[] Words = ["deploy", "looks", "good", "the", "build", "is", "green", "again", "who", "broke", "staging",
        "lunch", "at", "noon", "rollback", "done", "latency", "spiked", "on", "eu-west", "checking", "logs", "now", "thanks", "merged"];
    private static readonly string[] Metrics = ["cpu.user", "cpu.system", "mem.rss", "net.rx_bytes", "net.tx_bytes", "disk.read_ops", "gc.pause_ms"];

    /// <summary>Messages of about <paramref name="size"/> bytes, each a JSON array of mixed chat and telemetry records.</summary>
    public static byte[][] Json(int size, int count, int seed = 2)
    {
        var rnd = new Random(seed);
        long ts = 1_790_000_000_000;
        var all = new byte[count][];
        var sb = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            sb.Clear().Append('[');
            while (sb.Length < size - 200)
            {
                ts += rnd.Next(1, 900);
                if (rnd.Next(3) == 0)
                {
                    sb.Append("{\"type\":\"chat\",\"ts\":").Append(ts)
                      .Append(",\"room\":\"team-").Append(rnd.Next(40))
                      .Append("\",\"user\":\"").Append(Users[rnd.Next(Users.Length)])
                      .Append("\",\"text\":\"");
                    int words = rnd.Next(3, 14);
                    for (int w = 0; w < words; w++) sb.Append(w == 0 ? "" : " ").Append(Words[rnd.Next(Words.Length)]);
                    sb.Append("\",\"id\":\"").Append(rnd.NextInt64().ToString("x16")).Append("\"},");
                }
                else
                {
                    sb.Append("{\"type\":\"metric\",\"ts\":").Append(ts)
                      .Append(",\"host\":\"node-").Append(rnd.Next(64).ToString("D2"))
                      .Append("\",\"name\":\"").Append(Metrics[rnd.Next(Metrics.Length)])
                      .Append("\",\"value\":").Append((rnd.NextDouble() * 1000).ToString("F3", System.Globalization.CultureInfo.InvariantCulture))
                      .Append(",\"tags\":{\"region\":\"").Append(rnd.Next(2) == 0 ? "eu-west" : "us-east")
                      .Append("\",\"build\":").Append(4100 + rnd.Next(20)).Append("}},");
                }
            }
            sb[^1] = ']';
            all[i] = Encoding.UTF8.GetBytes(sb.ToString());
        }
        return all;
    }
}
