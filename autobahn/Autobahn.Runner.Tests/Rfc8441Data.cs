using Autobahn.Runner.Reports;

namespace Autobahn.Runner.Tests;

/// <summary>RFC 8441 chapter results written into a reports folder as `wsconform rfc8441` writes them, for the report commands' tests.</summary>
internal static class Rfc8441Data
{
    public static Rfc8441CaseRow Case(string id, string verdict, string observed = "seen") =>
        new(id, $"RFC 8441 §{Rfc8441Report.SectionOf(id)}", "the requirement", "the expectation", verdict, observed, 12);

    public static Rfc8441AgentRun Run(string agent, string started, params Rfc8441CaseRow[] cases) =>
        new(agent, $"http://127.0.0.1:1/{agent}", started, cases);

    /// <summary>Adds the run to reportsDirectory/rfc8441 (index.json and index.html); returns the folder it went into.</summary>
    public static string Write(string reportsDirectory, Rfc8441AgentRun run)
    {
        Rfc8441Report.Write(reportsDirectory, run, DateTimeOffset.UnixEpoch);
        return Path.Combine(reportsDirectory, Rfc8441Report.Folder);
    }
}
