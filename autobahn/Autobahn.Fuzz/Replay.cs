using System.Buffers.Binary;
using System.Text.Json;

namespace Autobahn.Fuzz;

/// <summary>`wsconform replay FILE URL`: runs a finding's session once more and tells, step by step, what went out and what came back.</summary>
public static class Replay
{
    public static FindingFile Load(string path) =>
        JsonSerializer.Deserialize<FindingFile>(File.ReadAllText(path), FuzzJson.Options) ?? throw new InvalidDataException($"{path} holds no finding");

    /// <summary>Returns the verdict of this run (null: the server now behaves).</summary>
    public static async Task<Verdict?> RunAsync(FindingFile finding, Uri target, TimeSpan deadline, TextWriter output, CancellationToken ct)
    {
        var session = finding.Session;
        var t = await new SessionExecutor(target, deadline, finding.Echo).RunAsync(session, ct).ConfigureAwait(false);
        var verdict = Oracle.Judge(session, t, finding.Echo);
        output.WriteLine($"replaying {finding.Rule}: {finding.What}");
        output.WriteLine($"against {target} ({session.Steps.Count} steps, {session.FrameCount} frames)");
        output.WriteLine();
        var request = System.Text.Encoding.Latin1.GetString(WireBuild.Request(session.Handshake, target)).TrimEnd();
        foreach (var line in request.Split("\r\n")) output.WriteLine("  > " + line);
        if (session.Handshake.Splits.Count > 0) output.WriteLine($"    (in {session.Handshake.Splits.Count + 1} writes)");
        if (t.ConnectFailed) output.WriteLine($"  connection refused: {t.ConnectError}");
        else if (t.ResponseHead is null) output.WriteLine($"  < no HTTP answer ({t.HandshakeEnd})");
        else foreach (var line in t.ResponseHead.TrimEnd().Split("\r\n")) output.WriteLine("  < " + line);
        if (t.Agreement is { } a) output.WriteLine($"    permessage-deflate agreed: client window {a.ClientMaxWindowBits}{(a.ClientNoContextTakeover ? ", no context takeover" : "")}; server window {a.ServerMaxWindowBits}{(a.ServerNoContextTakeover ? ", no context takeover" : "")}");
        output.WriteLine();
        int shown = 0;
        void ShowEventsUpTo(int sent)
        {
            for (; shown < t.Events.Count && t.Events[shown].Sent <= sent; shown++) output.WriteLine("      " + Describe(t.Events[shown]));
        }
        for (int i = 0; i < session.Steps.Count; i++)
        {
            var step = session.Steps[i];
            bool went = i < t.StepsSent;
            var wire = t.Sent.FirstOrDefault(f => f.Step == i && !f.Epilogue);
            string extra = wire is not null && wire.Wire.Length != wire.Plain.Length ? $" ({wire.Wire.Length} octets compressed)" : "";
            output.WriteLine($"  step {i + 1}: {(went ? "sent" : "not sent (the server had closed)")} {step}{extra}");
            ShowEventsUpTo(i + 1);
        }
        var epilogue = t.Sent.FirstOrDefault(f => f.Epilogue);
        if (epilogue is not null) output.WriteLine("  then: sent close 1000 (the normal end of a session)");
        ShowEventsUpTo(int.MaxValue);
        if (t.GaveUp) output.WriteLine($"      (nothing more within {deadline.TotalSeconds:0.##} s; gave up)");
        output.WriteLine();
        var model = ReceiverModel.Expect(t.Agreement, t.Sent, Choices.Default);
        if (model.Violation is { } v) output.WriteLine($"expected: the server fails the connection after step {v.Step + 1} ({v.What}) with {string.Join(" or ", v.Codes)} or a TCP drop; {v.Rule}");
        else if (model.Undefined) output.WriteLine($"expected: nothing the RFCs pin down ({model.UndefinedWhy})");
        else output.WriteLine($"expected: {model.Echoes.Count} message(s) echoed, {(model.Pings.Count > 0 ? "the last ping answered, " : "")}our close answered, then TCP closed by the server");
        output.WriteLine(verdict is null
            ? "verdict: no rule broken this time (not reproduced)"
            : $"verdict: [{verdict.Rule}] {verdict.What}\n  rule: {verdict.Reference}");
        return verdict;
    }

    private static string Describe(ServerEvent e) => e.Kind switch
    {
        EventKind.Frame => $"< {Frame(e.Frame!)}  at {e.AtMs:0} ms",
        EventKind.TcpClosed => $"< TCP closed by the server  at {e.AtMs:0} ms",
        EventKind.Reset => $"< TCP reset ({e.Detail})  at {e.AtMs:0} ms",
        _ => $"< undecodable: {e.Detail}",
    };

    private static string Frame(Autobahn.Engine.Wire.ReceivedFrame f)
    {
        string head = $"{FuzzStep.OpcodeName(f.Opcode)} fin={(f.Fin ? 1 : 0)} rsv={f.Rsv}{(f.Mask is null ? "" : " MASKED")} len={f.Payload.Length}";
        if (f.Opcode == 8 && f.Payload.Length >= 2)
            return $"{head} code {BinaryPrimitives.ReadUInt16BigEndian(f.Payload)} {FuzzStep.Preview(f.Payload[2..])}";
        return $"{head} {FuzzStep.Preview(f.Payload)}";
    }
}
