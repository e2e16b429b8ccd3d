namespace Autobahn.Runner.Reports;

/// <summary>Every case the suite recorded for one agent in one output folder, in case-id order.</summary>
public sealed class AgentReport
{
    public AgentReport(string agent, string directory, IReadOnlyList<CaseResult> cases)
    {
        Agent = agent;
        Directory = directory;
        Cases = cases;
    }

    public string Agent { get; }

    /// <summary>The suite's outdir that holds index.json and the case files.</summary>
    public string Directory { get; }

    public IReadOnlyList<CaseResult> Cases { get; }

    public CaseResult? Find(string caseId)
    {
        foreach (var c in Cases)
        {
            if (c.Id.Text == caseId) return c;
        }
        return null;
    }

    /// <summary>Path of the case's detail page: the suite's HTML when present, else its JSON.</summary>
    public string? DetailFile(CaseResult result)
    {
        var json = Path.Combine(Directory, result.ReportFile);
        var html = Path.ChangeExtension(json, ".html");
        if (File.Exists(html)) return html;
        return File.Exists(json) ? json : null;
    }

    public CaseReport LoadCase(CaseResult result) => CaseReport.Load(Path.Combine(Directory, result.ReportFile));
}
