using System.Text;

namespace Autobahn.Engine.Cases;

/// <summary>
/// Our own payloads for the compression chapters, generated (deterministically) to resemble the kinds the official
/// suite uses: JSON, a grayscale bitmap, prose, HTML and a PDF-like mix of text and binary streams. Verdicts depend
/// only on the echo being exact, not on the particular bytes.
/// </summary>
public static class CompressionCorpus
{
    public sealed record Item(string Name, string Description, bool Binary, byte[] Data);

    private const int Size = 320 * 1024;
    private static readonly string[] Words = ["der", "die", "das", "und", "nicht", "mein", "Geist", "Welt", "Himmel", "Erde", "Nacht", "wohl",
        "Natur", "Leben", "Herz", "Zeit", "schön", "ewig", "Gestalt", "Bild", "Liebe", "Kraft", "Wissen", "Tag", "Licht", "Faust", "Mephisto"];

    private static readonly Lazy<Item[]> AllItems = new(() =>
    [
        new("json", "Large JSON document", false, Json()),
        new("bitmap", "Grayscale bitmap image, 512x512", true, Bitmap()),
        new("prose", "Long prose text (German)", true, Prose()),
        new("html", "Large HTML document", false, Html()),
        new("pdf", "PDF-like mix of text and binary streams", true, PdfLike()),
    ]);

    /// <summary>In the order of the chapter 12 subsections.</summary>
    public static IReadOnlyList<Item> All => AllItems.Value;
    public static Item Json12 => All[0];

    private static byte[] Fill(Func<Random, string> piece)
    {
        var rnd = new Random(6455);
        var sb = new StringBuilder();
        while (sb.Length < Size) sb.Append(piece(rnd));
        return Encoding.ASCII.GetBytes(sb.ToString(0, Size));
    }

    private static string Word(Random r) => Words[r.Next(Words.Length)].Replace("ö", "oe");

    private static byte[] Json() => Fill(r =>
        $"{{\"id\":{r.Next(100000)},\"name\":\"{Word(r)} {Word(r)}\",\"active\":{(r.Next(2) == 0 ? "true" : "false")},\"score\":{r.NextDouble():F4},\"tags\":[\"{Word(r)}\",\"{Word(r)}\"]}},\n");

    private static byte[] Prose() => Fill(r => string.Join(' ', Enumerable.Range(0, 8 + r.Next(10)).Select(_ => Word(r))) + ".\n");

    private static byte[] Html() => Fill(r =>
        $"<div class=\"row-{r.Next(20)}\"><p>{Word(r)} <b>{Word(r)}</b> {Word(r)}</p><a href=\"/page/{r.Next(1000)}\">{Word(r)}</a></div>\n");

    private static byte[] Bitmap()
    {
        var rnd = new Random(7692);
        var data = new byte[Size];
        for (int i = 0; i < data.Length; i++)
        {
            int x = i % 512, y = i / 512;
            data[i] = (byte)(((x * y) >> 6) + 32 * Math.Sin(x / 17.0) + rnd.Next(8));
        }
        return data;
    }

    private static byte[] PdfLike()
    {
        var rnd = new Random(1951);
        var data = new List<byte>(Size + 4096);
        int obj = 1;
        while (data.Count < Size)
        {
            data.AddRange(Encoding.ASCII.GetBytes($"{obj++} 0 obj\n<< /Length {rnd.Next(4096)} /Filter /FlateDecode >>\nstream\n"));
            var blob = new byte[256 + rnd.Next(2048)];
            rnd.NextBytes(blob);
            data.AddRange(blob);
            data.AddRange(Encoding.ASCII.GetBytes($"\nendstream\nendobj\n{string.Join(' ', Enumerable.Range(0, 20).Select(_ => rnd.Next(999)))}\n"));
        }
        return [.. data.Take(Size)];
    }
}
