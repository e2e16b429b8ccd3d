namespace Autobahn.Runner.Tests;

/// <summary>A throw-away reports/ folder, optionally seeded with a real suite's index.json in servers/.</summary>
internal sealed class TempReports : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("reports-");

    public string Root => _dir.FullName;

    public string Servers => Path.Combine(Root, "servers");

    public static TempReports WithServersIndexFrom(string dataFolder)
    {
        var reports = new TempReports();
        Directory.CreateDirectory(reports.Servers);
        File.Copy(Path.Combine(TestData.Dir(dataFolder), "index.json"), Path.Combine(reports.Servers, "index.json"));
        return reports;
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
