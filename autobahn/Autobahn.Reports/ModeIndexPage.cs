using System.Net;
using System.Text;
using Autobahn.Vocabulary;

namespace Autobahn.Runner.Reports;

/// <summary>
/// A mode folder's own index.html after a merge: every agent's cases with both verdicts, linked to their detail
/// pages. Ours and deliberately plain; the suite's page cannot be rebuilt without the suite.
/// </summary>
public static class ModeIndexPage
{
    public static string Render(SuiteIndex index, string title)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(E(title))
          .Append("</title>\n<style>body{font:14px/1.4 system-ui,sans-serif;margin:1.5em} td,th{padding:1px 8px;text-align:left} .ok{color:#1a7f37} .bad{color:#cf222e;font-weight:bold}</style>\n</head>\n<body>\n<h1>")
          .Append(E(title)).Append("</h1>\n");
        foreach (var agent in index.Agents)
        {
            sb.Append("<h2>").Append(E(agent.Agent)).Append("</h2>\n<table>\n<tr><th>case</th><th>behavior</th><th>close</th><th>ms</th></tr>\n");
            foreach (var c in agent.Cases)
            {
                var page = agent.DetailFile(c);
                sb.Append("<tr><td>");
                if (page is null) sb.Append(E(c.Id.Text));
                else sb.Append("<a href=\"").Append(E(Path.GetFileName(page))).Append("\">").Append(E(c.Id.Text)).Append("</a>");
                sb.Append("</td><td class=\"").Append(c.Behavior == Behavior.Ok ? "ok" : "bad").Append("\">").Append(E(c.Behavior.Name()))
                  .Append("</td><td class=\"").Append(c.BehaviorClose == CloseBehavior.Ok ? "ok" : "bad").Append("\">").Append(E(c.BehaviorClose.Name()))
                  .Append("</td><td>").Append(c.DurationMs?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "").Append("</td></tr>\n");
            }
            sb.Append("</table>\n");
        }
        return sb.Append("</body>\n</html>\n").ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
