using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Autobahn.Engine.Cases;
using Autobahn.Engine.Engine;
using Autobahn.Engine.Wire;
using Autobahn.Vocabulary;

namespace Autobahn.Engine.Reports;

/// <summary>Writes results in the official layout: outdir/index.json, one JSON and one HTML page per case, index.html.</summary>
public static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(string outdir, IReadOnlyList<CaseResult> results)
    {
        Directory.CreateDirectory(outdir);
        var index = new JsonObject();
        foreach (var byAgent in results.GroupBy(r => r.Agent).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var cases = new JsonObject();
            foreach (var r in byAgent.OrderBy(r => r.Case.Id, CaseId.IndexKeyOrder))
            {
                cases[r.Case.Id] = new JsonObject
                {
                    ["behavior"] = r.Behavior,
                    ["behaviorClose"] = r.BehaviorClose,
                    ["duration"] = r.DurationMs,
                    ["remoteCloseCode"] = r.RemoteCloseCode,
                    ["reportfile"] = ReportFileNames.Json(r.Agent, r.Case.Id),
                };
                File.WriteAllText(Path.Combine(outdir, ReportFileNames.Json(r.Agent, r.Case.Id)), CaseJson(r).ToJsonString(Json));
                File.WriteAllText(Path.Combine(outdir, ReportFileNames.Html(r.Agent, r.Case.Id)), CaseHtml(r));
            }
            index[byAgent.Key] = cases;
        }
        File.WriteAllText(Path.Combine(outdir, ReportFileNames.IndexJson), index.ToJsonString(Json));
        File.WriteAllText(Path.Combine(outdir, ReportFileNames.IndexHtml), IndexHtml(results));
    }

    private static JsonArray Events(IEnumerable<PeerEvent> events) => new(events.Select(e => (JsonNode)(e.Kind switch
    {
        "message" => new JsonArray("message", WireLog.Readable(e.Data), e.Binary),
        "timeout" => new JsonArray("timeout", e.Tag),
        _ => new JsonArray(e.Kind, WireLog.Readable(e.Data)),
    })).ToArray());

    private static JsonObject Stats(SortedDictionary<int, int> s)
    {
        var o = new JsonObject();
        foreach (var (k, v) in s.OrderBy(p => p.Key.ToString(), StringComparer.Ordinal)) o[k.ToString()] = v;
        return o;
    }

    public static JsonObject CaseJson(CaseResult r)
    {
        var json = OfficialCaseJson(r);
        // Our addition, only where the official suite cannot have run: the WebSocket over HTTP/2 (RFC 8441).
        if (Transport.WebSocketTransports.IsHttp2(r.Transport)) json["transport"] = r.Transport;
        return json;
    }

    private static JsonObject OfficialCaseJson(CaseResult r)
    {
        var expected = new JsonObject();
        foreach (var o in r.Case.Expected) expected[o.Verdict] = Events(o.Events);
        var close = new JsonObject
        {
            ["closeCode"] = new JsonArray(r.Case.Close.Codes.Select(c => (JsonNode)c).ToArray()),
            ["closedByMe"] = r.Case.Close.ClosedByMe,
            ["requireClean"] = r.Case.Close.RequireClean,
        };
        if (r.Case.Close.WrongEndpointIsFatal) close["closedByWrongEndpointIsFatal"] = true;
        // Keys in the official (sorted) order, so the files diff cleanly against the suite's own.
        return new JsonObject
        {
            ["agent"] = r.Agent,
            ["behavior"] = r.Behavior,
            ["behaviorClose"] = r.BehaviorClose,
            ["case"] = r.CaseIndex,
            ["closedByMe"] = r.ClosedByMe,
            ["createStats"] = true,
            ["createWirelog"] = true,
            ["description"] = r.Case.Description,
            ["droppedByMe"] = r.DroppedByMe,
            ["duration"] = r.DurationMs,
            ["expectation"] = r.Case.Expectation,
            ["expected"] = expected,
            ["expectedClose"] = close,
            ["failedByMe"] = r.FailedByMe,
            ["httpRequest"] = r.HttpRequest,
            ["httpResponse"] = r.HttpResponse,
            ["id"] = r.Case.Id,
            ["isServer"] = r.IsServer,
            ["localCloseCode"] = r.LocalCloseCode,
            ["localCloseReason"] = r.LocalCloseReason,
            // Our addition: which rule book judged the case (docs/profiles.md).
            ["profile"] = r.Case.Profile.Name(),
            ["received"] = Events(r.Received),
            ["remoteCloseCode"] = r.RemoteCloseCode,
            ["remoteCloseReason"] = r.RemoteCloseReason,
            ["reportCompressionRatio"] = false,
            ["reportTime"] = r.Case.ReportTime,
            ["result"] = r.Result,
            ["resultClose"] = r.ResultClose,
            ["rxFrameStats"] = Stats(r.Log.RxFrames),
            ["rxOctetStats"] = Stats(r.Log.RxOctets),
            ["started"] = r.Started,
            ["trafficStats"] = null,
            ["txFrameStats"] = Stats(r.Log.TxFrames),
            ["txOctetStats"] = Stats(r.Log.TxOctets),
            ["wasClean"] = r.WasClean,
            ["wasCloseHandshakeTimeout"] = r.WasCloseHandshakeTimeout,
            ["wasNotCleanReason"] = r.WasNotCleanReason,
            ["wasOpenHandshakeTimeout"] = r.WasOpenHandshakeTimeout,
            ["wasServerConnectionDropTimeout"] = r.WasServerConnectionDropTimeout,
            ["wirelog"] = r.Log.Entries.DeepClone(),
            ["wirelogTimes"] = r.Log.Times.DeepClone(),
        };
    }

    // Wire log lines hold whole frames in hex: they wrap anywhere, so a page is never wider than its window.
    private const string Style = "body{font-family:sans-serif;font-size:13px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;overflow-wrap:anywhere}" +
        ".OK{background:#0a0;color:#fff}.NON-STRICT{background:#aa0}.INFORMATIONAL{background:#88c}.UNIMPLEMENTED{background:#999}" +
        ".FAILED,.UNCLEAN,.WRONG.CODE,.FAILED.BY.CLIENT{background:#c00;color:#fff}pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}";

    private static string Cell(string verdict) => $"<td class=\"{WebUtility.HtmlEncode(verdict)}\">{WebUtility.HtmlEncode(verdict)}</td>";

    private static string IndexHtml(IReadOnlyList<CaseResult> results)
    {
        var sb = new StringBuilder($"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Autobahn WebSocket conformance</title><style>{Style}</style></head><body>");
        foreach (var byAgent in results.GroupBy(r => r.Agent))
        {
            sb.Append($"<h2>{WebUtility.HtmlEncode(byAgent.Key)}</h2><table><tr><th>Case</th><th>Behavior</th><th>Close</th><th>ms</th><th>Close code</th></tr>");
            foreach (var r in byAgent.OrderBy(r => r.Case.Id, CaseId.SuiteOrder))
                sb.Append($"<tr><td><a href=\"{ReportFileNames.Html(r.Agent, r.Case.Id)}\">{r.Case.Id}</a></td>{Cell(r.Behavior)}{Cell(r.BehaviorClose)}<td>{r.DurationMs}</td><td>{r.RemoteCloseCode}</td></tr>");
            sb.Append("</table>");
        }
        return sb.Append("</body></html>").ToString();
    }

    private static string CaseHtml(CaseResult r)
    {
        var sb = new StringBuilder($"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Case {r.Case.Id}</title><style>{Style}</style></head><body>");
        sb.Append($"<h2>{WebUtility.HtmlEncode(r.Agent)} - Case {r.Case.Id}</h2><p>{WebUtility.HtmlEncode(r.Case.Description)}</p><p><i>{WebUtility.HtmlEncode(r.Case.Expectation)}</i></p>");
        sb.Append($"<table><tr><th>Behavior</th>{Cell(r.Behavior)}<td>{WebUtility.HtmlEncode(r.Result)}</td></tr><tr><th>Close</th>{Cell(r.BehaviorClose)}<td>{WebUtility.HtmlEncode(r.ResultClose)}</td></tr></table>");
        sb.Append($"<p>{r.DurationMs} ms, started {r.Started}; remote close code {r.RemoteCloseCode}, local close code {r.LocalCloseCode}; " +
                  $"closedByMe={r.ClosedByMe} failedByMe={r.FailedByMe} droppedByMe={r.DroppedByMe} wasClean={r.WasClean}</p><h3>Wire log</h3>");
        for (int i = 0; i < r.Log.Entries.Count; i++)
            sb.Append($"<pre>{i:000} {r.Log.Times[i]} ms {WebUtility.HtmlEncode(r.Log.Entries[i]!.ToJsonString(Json).Replace("\n", " "))}</pre>");
        return sb.Append("</body></html>").ToString();
    }
}
