using System.Text;

namespace Autobahn.Vocabulary;

/// <summary>
/// The names of the files the suite writes into its outdir: the index pair, and one JSON and one HTML file per
/// case, e.g. agent "ws-node", case 1.1.1 -> "ws_node_case_1_1_1.json". Readers find files by these names.
/// </summary>
public static class ReportFileNames
{
    /// <summary>agent -> case id -> verdicts, duration, close code and report file.</summary>
    public const string IndexJson = "index.json";

    /// <summary>The outdir's overview page.</summary>
    public const string IndexHtml = "index.html";

    /// <summary>The agent lowercased, every character outside a-z and 0-9 turned into '_'.</summary>
    public static string AgentStem(string agent)
    {
        var sb = new StringBuilder(agent.Length);
        foreach (var ch in agent.ToLowerInvariant())
        {
            sb.Append(ch is >= 'a' and <= 'z' or >= '0' and <= '9' ? ch : '_');
        }
        return sb.ToString();
    }

    /// <summary>The case's file name without extension; the suite writes ".json" and ".html" with it.</summary>
    public static string Stem(string agent, string caseId) => AgentStem(agent) + "_case_" + caseId.Replace('.', '_');

    public static string Json(string agent, string caseId) => Stem(agent, caseId) + ".json";

    public static string Html(string agent, string caseId) => Stem(agent, caseId) + ".html";
}
