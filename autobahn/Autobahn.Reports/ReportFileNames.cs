using System.Text;

namespace Autobahn.Runner.Reports;

/// <summary>The suite's naming of per-case report files, e.g. agent "ws-node", case 1.1.1 -> "ws_node_case_1_1_1".</summary>
public static class ReportFileNames
{
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

    /// <summary>The file name without extension; the suite writes ".json" and ".html" with it.</summary>
    public static string Stem(string agent, string caseId) => AgentStem(agent) + "_case_" + caseId.Replace('.', '_');

    public static string Json(string agent, string caseId) => Stem(agent, caseId) + ".json";

    public static string Html(string agent, string caseId) => Stem(agent, caseId) + ".html";
}
