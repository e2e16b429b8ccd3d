using System.Buffers.Binary;
using System.Text;
using Autobahn.Engine.Engine;
using Autobahn.Engine.Wire;

namespace Autobahn.Fuzz;

/// <summary>A reaction no reading of the RFCs allows: a short rule name, what happened, and the rule broken.</summary>
public sealed record Verdict(string Rule, string What, string Reference);

/// <summary>Judges one run of a session: the handshake, the frames the server sent, and how the connection ended.</summary>
public static class Oracle
{
    public static Verdict? Judge(FuzzSession session, Transcript t, bool echo)
    {
        if (t.ConnectFailed) return new("liveness", $"the connection was refused ({t.ConnectError})", "the server must keep accepting connections");
        var kind = HandshakeRules.Classify(session.Handshake);
        if (t.HandshakeEnd == "timeout" && kind.Kind != HandshakeKind.Unspecified)
            return new("hang", "no answer to the opening request within the deadline", "RFC 6455 4.2.2: the server answers the opening handshake");
        if (kind.Kind == HandshakeKind.Invalid && t.Status == 101)
            return new("handshake-accepted", $"an invalid opening request was accepted with 101 ({kind.Why})", "RFC 6455 4.2.1: a request that is not a valid upgrade gets an HTTP error");
        if (kind.Kind == HandshakeKind.Valid && t.Status != 101)
            return new("handshake-refused", $"a valid opening request was answered {(t.Status is int s ? s.ToString() : t.HandshakeEnd ?? "?")}", "RFC 6455 4.2.2: a valid request is accepted");
        if (t.Status != 101) return null;
        if (!t.AcceptValid) return new("handshake-answer", "Sec-WebSocket-Accept does not match the key sent", "RFC 6455 4.2.2 item 5.4");
        if (t.UpgradeProblem is not null) return new("handshake-answer", t.UpgradeProblem, "RFC 6455 4.2.2 items 5.2 and 5.3");
        if (HandshakeRules.ExtensionProblem(session.Handshake, t.ExtensionsAnswer, t.ExtensionError) is { } ext)
            return new("extension-negotiation", ext, "RFC 6455 9.1 and RFC 7692 7.1");

        Verdict? first = null;
        foreach (var choices in Choices.All())
        {
            var verdict = JudgeFrames(t, ReceiverModel.Expect(t.Agreement, t.Sent, choices), echo);
            if (verdict is null) return null;
            first ??= verdict;
        }
        return first;
    }

    private static Verdict? JudgeFrames(Transcript t, Expectation e, bool echo)
    {
        var server = ServerStream.Read(t);
        if (server.Problem is { } bad && !server.ProblemIsContent) return bad;
        // It stopped reading and neither closed nor dropped TCP: whatever the session owed or broke, it hangs.
        if (t.SendStalled && !server.CloseSeen && !t.TcpEnded)
            return new("hang", $"the server stopped reading: step {t.StepsSent} could not be written within the deadline, and it neither closed nor dropped TCP",
                "RFC 6455 5.5.1: a close is answered as soon as practical (ours could not even be sent)");
        if (e.Undefined) return server.Problem;
        if (e.Violation is { } v)
        {
            if (echo && !IsPrefix(server.Messages, e.Echoes))
            {
                return server.Messages.Count > e.Echoes.Count && IsPrefix(server.Messages.Take(e.Echoes.Count).ToList(), e.Echoes)
                    ? new("not-failed", $"after {v.What} (step {v.Step + 1}) the server went on echoing instead of failing the connection: {Describe(server.Messages[e.Echoes.Count])}", v.Rule)
                    : new("echo", EchoDifference(server.Messages, e.Echoes), "an echo server sends every message back unchanged");
            }
            if (server.Problem is not null) return server.Problem;
            if (server.CloseSeen)
            {
                if (server.CloseCode is int code && !v.Codes.Contains(code))
                    return new("fail-code", $"{v.What} (step {v.Step + 1}) was answered with close code {code}, not {string.Join(" or ", v.Codes)}", v.Rule);
                if (!t.TcpEnded) return new("no-tcp-close", "the server sent its close but kept TCP open past the deadline", "RFC 6455 7.1.1: the server closes TCP first, at once after the closing handshake");
                return null;
            }
            if (t.TcpEnded) return null; // failing fast by dropping TCP is allowed for a protocol error
            if (t.AbortedByUs) return null; // we dropped TCP ourselves before the server had its deadline
            return new("not-failed", $"{v.What} (step {v.Step + 1}) did not fail the connection: neither a close nor a TCP drop within the deadline", v.Rule);
        }
        // A valid session so far: everything echoed, the last ping answered, our close answered, then TCP closed.
        bool aborted = t.AbortedByUs;
        if (echo)
        {
            bool prefix = IsPrefix(server.Messages, e.Echoes);
            bool missing = server.Messages.Count < e.Echoes.Count;
            // A close we sent right behind messages (a step, not the normal end, which waits for the echoes) may overtake them.
            bool closeOvertakes = t.Sent.Any(f => f.Opcode == 8 && !f.Epilogue);
            if (!prefix || (missing && !aborted && !closeOvertakes && (server.CloseSeen || t.TcpEnded)))
                return new("echo", EchoDifference(server.Messages, e.Echoes), "an echo server sends every message back unchanged");
        }
        if (server.Problem is not null) return server.Problem;
        if (aborted) return null;
        if (server.CloseSeen && server.CloseBeforeOurs)
        {
            return new("unexpected-close", $"the server closed with {(server.CloseCode?.ToString() ?? "no code")} {Reason(server.CloseReason)}though nothing it received was wrong", "RFC 6455 7.1.7: a connection is failed only for a reason");
        }
        if (!server.CloseSeen && t.TcpEnded && server.TcpEndBeforeOurClose)
            return new("unexpected-drop", "the server dropped TCP though nothing it received was wrong", "RFC 6455 7.1.7: a connection is failed only for a reason");
        if (e.CloseReplyCodes is { } codes)
        {
            if (!server.CloseSeen)
            {
                // A reset may have thrown away a close that was on its way (we were still sending), so only a plain TCP close proves it missing.
                if (t.Events.Any(ev => ev.Kind == EventKind.Reset)) return null;
                return t.TcpEnded
                    ? new("unclean-close", "our close was answered by a TCP drop, without a close frame", "RFC 6455 5.5.1: an endpoint that receives a close sends a close in response")
                    : new("hang", EchoesOwed(server, e) + "no close answered ours within the deadline", "RFC 6455 5.5.1: a close is answered as soon as practical");
            }
            if (server.CloseCode is int code && !codes.Contains(code))
                return new("close-code", $"our close with code {codes[^1]} was answered with {code}", "RFC 6455 5.5.1: the answer echoes the code (the suite takes 1000 or the same code)");
            if (!t.TcpEnded) return new("no-tcp-close", "the server answered our close but kept TCP open past the deadline", "RFC 6455 7.1.1: the server closes TCP first, at once after the closing handshake");
        }
        if (e.Pings.Count > 0 && !server.Pongs.Any(p => p.AsSpan().SequenceEqual(e.Pings[^1])))
            return new("pong", $"the ping with payload {FuzzStep.Preview(e.Pings[^1])} was not answered by a pong", "RFC 6455 5.5.2: a ping is answered with a pong carrying the same payload");
        return null;
    }

    private static string EchoesOwed(ServerStream s, Expectation e) =>
        s.Messages.Count < e.Echoes.Count ? $"{e.Echoes.Count - s.Messages.Count} of {e.Echoes.Count} messages not echoed, " : "";

    private static string Reason(string? r) => string.IsNullOrEmpty(r) ? "" : $"('{r}') ";

    private static bool Same((bool Binary, byte[] Data) a, (bool Binary, byte[] Data) b) => a.Binary == b.Binary && a.Data.AsSpan().SequenceEqual(b.Data);
    private static bool IsPrefix(List<(bool, byte[])> got, List<(bool, byte[])> owed) => got.Count <= owed.Count && got.Select((g, i) => Same(g, owed[i])).All(x => x);
    private static bool SameMessages(List<(bool, byte[])> got, List<(bool, byte[])> owed) => got.Count == owed.Count && IsPrefix(got, owed);

    private static string EchoDifference(List<(bool Binary, byte[] Data)> got, List<(bool Binary, byte[] Data)> owed)
    {
        for (int i = 0; i < Math.Max(got.Count, owed.Count); i++)
        {
            if (i >= got.Count) return $"message {i + 1} of {owed.Count} was not echoed ({Describe(owed[i])})";
            if (i >= owed.Count) return $"an extra message came back: {Describe(got[i])}";
            if (!Same(got[i], owed[i])) return $"message {i + 1} came back as {Describe(got[i])}, sent as {Describe(owed[i])}";
        }
        return "echoes differ";
    }

    private static string Describe((bool Binary, byte[] Data) m) => $"{(m.Binary ? "binary" : "text")} of {m.Data.Length} octets {FuzzStep.Preview(m.Data)}";
}

/// <summary>The server's side of the connection, read and checked as a client must (RFC 6455 5 and 7, RFC 7692 6).</summary>
internal sealed class ServerStream
{
    public List<(bool Binary, byte[] Data)> Messages { get; } = [];
    public List<byte[]> Pongs { get; } = [];
    public bool CloseSeen { get; private set; }
    public int? CloseCode { get; private set; }
    public string? CloseReason { get; private set; }
    public bool CloseBeforeOurs { get; private set; }
    public bool TcpEndBeforeOurClose { get; private set; }
    public Verdict? Problem { get; private set; }
    /// <summary>The problem is in a message's content (text not UTF-8): the frames around it still count.</summary>
    public bool ProblemIsContent { get; private set; }

    public static ServerStream Read(Transcript t)
    {
        var s = new ServerStream();
        using var inflater = t.Agreement is null ? null : new MessageDecompressor(t.Agreement.ServerNoContextTakeover);
        int ourClose = t.Sent.FindIndex(f => f.Opcode == 8);
        int ourCloseStep = ourClose < 0 ? int.MaxValue : t.Sent[ourClose].Step + 1;
        bool open = false, compressed = false, binary = false;
        var message = new List<byte>();
        Verdict Bad(string what, string rule) => new("server-frame", what, rule);
        foreach (var ev in t.Events)
        {
            if (ev.Kind == EventKind.Undecodable) { s.Problem = Bad($"a frame the client cannot take: {ev.Detail}", "RFC 6455 5.2"); return s; }
            if (ev.Kind != EventKind.Frame) { if (!s.CloseSeen && ev.Sent < ourCloseStep) s.TcpEndBeforeOurClose = true; break; }
            var f = ev.Frame!;
            if (s.CloseSeen) { s.Problem = Bad($"a {FuzzStep.OpcodeName(f.Opcode)} frame after the server's close", "RFC 6455 5.5.1: nothing follows a close frame"); return s; }
            string? wrong =
                f.Mask is not null ? "a masked frame from the server"
                : f.Rsv != 0 && !(f.Rsv == 4 && inflater is not null && f.Opcode is 1 or 2) ? $"reserved bits {f.Rsv} set on a {FuzzStep.OpcodeName(f.Opcode)} frame"
                : f.Opcode is (>= 3 and <= 7) or > 10 ? $"reserved opcode {f.Opcode}"
                : f.Opcode >= 8 && (!f.Fin || f.Payload.Length > 125) ? "a fragmented or oversized control frame"
                : f.Opcode == 0 && !open ? "a continuation frame with no message open"
                : f.Opcode is 1 or 2 && open ? "a new data frame inside a fragmented message"
                : null;
            if (wrong is not null) { s.Problem = Bad(wrong, "RFC 6455 5.1-5.5 and RFC 7692 6"); return s; }
            switch (f.Opcode)
            {
                case 8:
                    s.CloseSeen = true;
                    s.CloseBeforeOurs = ev.Sent < ourCloseStep || ourClose < 0;
                    if (f.Payload.Length == 1) { s.Problem = Bad("a close frame with a 1-octet payload", "RFC 6455 5.5.1"); return s; }
                    if (f.Payload.Length >= 2)
                    {
                        int code = BinaryPrimitives.ReadUInt16BigEndian(f.Payload);
                        s.CloseCode = code;
                        if (!CloseCodes.IsValidOnWire(code, Autobahn.Engine.Cases.SuiteProfile.Rfc)) { s.Problem = Bad($"close code {code}, which may not be sent", "RFC 6455 7.4"); return s; }
                        if (!System.Text.Unicode.Utf8.IsValid(f.Payload.AsSpan(2))) { s.Problem = Bad("a close reason that is not UTF-8", "RFC 6455 5.5.1"); return s; }
                        s.CloseReason = Encoding.UTF8.GetString(f.Payload.AsSpan(2));
                    }
                    continue;
                case 9: continue;
                case 10: s.Pongs.Add(f.Payload); continue;
            }
            if (f.Opcode != 0) { open = true; compressed = f.Rsv == 4; binary = f.Opcode == 2; message.Clear(); }
            message.AddRange(f.Payload);
            if (!f.Fin) continue;
            open = false;
            byte[] data = [.. message];
            if (compressed)
            {
                try { data = inflater!.Decompress(data, 64L * 1024 * 1024); }
                catch (InvalidDataException e) { s.Problem = Bad($"a compressed message from the server that does not inflate ({e.Message})", "RFC 7692 6.2"); return s; }
            }
            if (!binary && !System.Text.Unicode.Utf8.IsValid(data) && s.Problem is null)
            {
                s.Problem = Bad($"a text message from the server that is not UTF-8: {FuzzStep.Preview(data)}", "RFC 6455 5.6 and 8.1: text frames carry UTF-8");
                s.ProblemIsContent = true;
            }
            s.Messages.Add((binary, data));
        }
        return s;
    }
}
