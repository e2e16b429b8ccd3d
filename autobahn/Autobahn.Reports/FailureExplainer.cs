using System.Globalization;
using System.Text;
using System.Text.Json;
using Autobahn.Vocabulary;

namespace Autobahn.Runner.Reports;

/// <summary>
/// Turns one per-case report (the suite's JSON or our engine's) into an <see cref="Explanation"/>, derived only
/// from the structured fields (frames, expected and received events, close facts), so the words are ours and the
/// same for either engine, not the suite's prose.
/// </summary>
public static class FailureExplainer
{
    /// <summary>How many frame lines an explanation carries at most.</summary>
    public const int MaxFrames = 8;

    public static Explanation Explain(string path)
    {
        using var stream = File.OpenRead(path);
        using var doc = JsonDocument.Parse(stream);
        try
        {
            return Explain(doc.RootElement);
        }
        catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException or IndexOutOfRangeException or FormatException)
        {
            throw new FormatException($"{path}: not a per-case report the explainer understands: {ex.Message}", ex);
        }
    }

    /// <summary>The explanation of a case of an agent's report, or null when its JSON is not there (the suite's
    /// HTML-only reports, or a sample).</summary>
    public static Explanation? TryExplain(AgentReport agent, CaseResult c)
    {
        var path = Path.Combine(agent.Directory, c.ReportFile);
        return File.Exists(path) ? Explain(path) : null;
    }

    public static Explanation Explain(JsonElement report) => new Reading(report).Build();

    /// <summary>One report being read: the facts are taken once, the sentences built from them.</summary>
    private sealed class Reading
    {
        private readonly JsonElement _r;
        private readonly string _peer;
        private readonly IReadOnlyList<WireFrame> _frames;
        private readonly List<Message> _sent;
        private readonly List<Message> _received;
        private readonly List<JsonElement> _events;
        private readonly Behavior _behavior;
        private readonly CloseBehavior _close;
        private readonly List<(int Entry, string Line)> _timers = [];

        public Reading(JsonElement r)
        {
            _r = r;
            _peer = Bool("isServer") == true ? "the client" : "the server";
            _frames = WireFrame.ReadAll(r.TryGetProperty("wirelog", out var w) ? w : default);
            _sent = Message.Group(_frames.Where(f => f.Sent));
            _received = Message.Group(_frames.Where(f => !f.Sent));
            _events = r.TryGetProperty("received", out var rec) && rec.ValueKind == JsonValueKind.Array ? [.. rec.EnumerateArray()] : [];
            _behavior = VerdictNames.ParseBehavior(Str("behavior") ?? throw new FormatException("missing 'behavior'"));
            _close = VerdictNames.ParseCloseBehavior(Str("behaviorClose") ?? throw new FormatException("missing 'behaviorClose'"));
            if (w.ValueKind == JsonValueKind.Array)
            {
                var i = -1;
                foreach (var e in w.EnumerateArray())
                {
                    i++;
                    if (e.ValueKind == JsonValueKind.Array && e.GetArrayLength() >= 2 && e[0].GetString() == "CTE")
                    {
                        _timers.Add((i, $".. wait {e[1]} ended, connection still open"));
                    }
                }
            }
        }

        public Explanation Build()
        {
            var (divergence, anchor) = Diverge();
            return new Explanation(
                Str("id") ?? throw new FormatException("missing 'id'"),
                _behavior, _close, Sent(), Expected(), Got(), divergence, Note(), Frames(anchor));
        }

        private string Sent()
        {
            var closeAnswer = _frames.FirstOrDefault(f => !f.Sent && f.Opcode == 8)?.Entry ?? int.MaxValue;
            var items = new List<(int Entry, string Text)>();
            foreach (var m in _sent) items.Add((m.Frames[0].Entry, DescribeMessage(m)));
            foreach (var f in _frames.Where(f => f.Sent && f.Opcode >= 8))
            {
                // Our answer to the peer's close, or the close we failed the connection with, belongs to what came back.
                if (f.Opcode == 8 && (f.Entry > closeAnswer || (Bool("failedByMe") == true && !ExpectedClosedByMe))) continue;
                items.Add((f.Entry, DescribeControl(f)));
            }
            items.Sort((a, b) => a.Entry.CompareTo(b.Entry));
            if (items.Count == 0)
            {
                return !_frames.Any(f => f.Sent) && FromFrameStats("txFrameStats") is { } stats
                    ? stats + " (the wire log keeps none of them)"
                    : "nothing (the wire log holds no frame of the case)";
            }
            if (items.Count <= 4) return Join(items.Select(i => i.Text), ", then ");
            return $"{items.Count} frames or messages: {items[0].Text}, {items[1].Text} and {items.Count - 2} more";
        }

        /// <summary>A message as the wire log shows it; a received one that repeats a sent one is called an echo.</summary>
        private string DescribeMessage(Message m)
        {
            var sent = m.Frames[0].Sent;
            var kind = m.Opcode switch
            {
                1 => "text",
                2 => "binary",
                0 => null,
                _ => null,
            };
            var sb = new StringBuilder(kind is null
                ? m.Opcode == 0 ? "a continuation frame that continues no message" : $"a frame with the reserved opcode {m.Opcode}"
                : !sent && m.Complete && _sent.Any(s => s.Complete && s.Bytes.AsSpan().SequenceEqual(m.Bytes)) ? $"the message echoed back as {kind}"
                : $"a {kind} message");
            if (m.Frames.Count == 1) sb.Append(CultureInfo.InvariantCulture, $" ({Bytes(m.Length)})");
            else sb.Append(CultureInfo.InvariantCulture, $" in {m.Frames.Count} frames ({Sizes(m.Frames)})");
            if (m.Frames.Any(f => f.Writes > 1)) sb.Append(CultureInfo.InvariantCulture, $" split over {m.Frames.Sum(f => f.Writes)} writes");
            var rsv = m.Frames.Select(f => f.Rsv).FirstOrDefault(r => r != 0);
            if (rsv != 0 && !(rsv == 4 && Compressed)) sb.Append(CultureInfo.InvariantCulture, $" with reserved bits set (rsv={rsv})");
            if (!m.Frames[^1].Fin) sb.Append(" that never ends (no final frame)");
            if (m.Opcode == 1 && m.Complete && !Compressed)
            {
                var at = Utf8Break(m);
                if (at is { } frame) sb.Append(m.Frames.Count == 1 ? " that is not valid UTF-8" : $" whose {Ordinal(frame)} frame makes it invalid UTF-8");
                else if (!System.Text.Unicode.Utf8.IsValid(m.Bytes)) sb.Append(" that ends inside a UTF-8 sequence");
                else if (m.Length <= 32) sb.Append(' ').Append(WireFrame.Preview(m.Bytes, false));
            }
            return sb.ToString();
        }

        private static string DescribeControl(WireFrame f)
        {
            var what = f.Opcode switch
            {
                8 => f.CloseCode is { } code ? $"a close with code {code}" + (f.Length > 2 ? $" and a {f.Length - 2}-byte reason" + (System.Text.Unicode.Utf8.IsValid(f.Shown.AsSpan(2)) ? "" : " that is not valid UTF-8") : "")
                    : f.Length == 0 ? "a close with no code" : $"a close with a {Bytes(f.Length)} payload",
                9 => $"a ping ({Bytes(f.Length)})",
                10 => $"an unsolicited pong ({Bytes(f.Length)})",
                _ => $"a control frame with the reserved opcode {f.Opcode}",
            };
            if (f.Length > 125) what += " (over the 125-byte limit of control frames)";
            if (!f.Fin) what += " marked as fragmented";
            if (f.Rsv != 0) what += $" with reserved bits set (rsv={f.Rsv})";
            return what;
        }

        /// <summary>The 1-based frame of a text message at which its bytes stop being a possible UTF-8 prefix.</summary>
        private static int? Utf8Break(Message m)
        {
            var bytes = new List<byte>();
            var chars = new char[m.Bytes.Length + 1];
            for (var i = 0; i < m.Frames.Count; i++)
            {
                bytes.AddRange(m.Frames[i].Shown);
                var status = System.Text.Unicode.Utf8.ToUtf16(bytes.ToArray(), chars, out _, out _, replaceInvalidSequences: false, isFinalBlock: false);
                if (status == System.Buffers.OperationStatus.InvalidData) return i + 1;
            }
            return null;
        }

        /// <summary>
        /// Bulk cases (9.x, 12.x, 13.x) keep their frames out of the wire log and count them instead: "2 frames (1 text, 1 close)".
        /// </summary>
        private string? FromFrameStats(string field)
        {
            if (!_r.TryGetProperty(field, out var stats) || stats.ValueKind != JsonValueKind.Object) return null;
            var counts = stats.EnumerateObject()
                .Where(p => p.Value.ValueKind == JsonValueKind.Number && int.TryParse(p.Name, out _))
                .Select(p => (Opcode: int.Parse(p.Name, CultureInfo.InvariantCulture), Count: p.Value.GetInt64()))
                .Where(c => c.Count > 0).OrderBy(c => c.Opcode).ToList();
            if (counts.Count == 0) return null;
            var total = counts.Sum(c => c.Count);
            return $"{total.ToString("N0", CultureInfo.InvariantCulture)} frames (" +
                   string.Join(", ", counts.Select(c => $"{c.Count.ToString("N0", CultureInfo.InvariantCulture)} {(c.Opcode == 0 ? "continuation" : WireFrame.OpcodeName(c.Opcode).ToLowerInvariant())}")) + ")";
        }

        /// <summary>Cases without listed outcomes judge the peer by their own logic and say why in "result".</summary>
        private bool SelfJudged => !_r.TryGetProperty("expected", out var expected) || expected.ValueKind != JsonValueKind.Object || !expected.EnumerateObject().Any();

        private string Expected()
        {
            if (SelfJudged && _behavior == Behavior.Unimplemented)
            {
                return "no outcome at all (the case only runs once its extension is negotiated)" + ", and " + ExpectedClose();
            }
            if (SelfJudged)
            {
                return "every message to come back as it was sent (the case counts and checks the echoes itself)" + ", and " + ExpectedClose();
            }
            var sb = new StringBuilder();
            foreach (var outcome in _r.GetProperty("expected").EnumerateObject().OrderBy(o => o.Name == "OK" ? 0 : 1))
            {
                var events = DescribeEvents([.. outcome.Value.EnumerateArray()], received: false);
                if (sb.Length == 0) sb.Append(events);
                else sb.Append(" (or, ").Append(outcome.Name.ToLowerInvariant()).Append(": ").Append(events).Append(')');
            }
            return sb.Append(", and ").Append(ExpectedClose()).ToString();
        }

        private string ExpectedClose()
        {
            if (!_r.TryGetProperty("expectedClose", out var c)) return "no particular close";
            var codes = c.TryGetProperty("closeCode", out var cc) ? Codes(cc.EnumerateArray().Select(x => x.GetInt32()).Distinct()) : "any code";
            var byMe = ExpectedClosedByMe;
            var clean = c.TryGetProperty("requireClean", out var rc) && rc.ValueKind == JsonValueKind.True;
            return byMe
                ? $"our close to be answered with {codes}" + (clean ? " in a clean closing handshake" : "")
                : $"{_peer} to close with {codes}" + (clean ? " cleanly" : " (dropping the connection would do)");
        }

        private string Got()
        {
            var sb = new StringBuilder(SelfJudged && Str("result") is { Length: > 0 } result && _behavior is Behavior.Failed
                ? char.ToLowerInvariant(result[0]) + result[1..].TrimEnd('.') + (FromFrameStats("rxFrameStats") is { } rx ? $" ({rx} received)" : "")
                : DescribeEvents(_events, received: true));
            // Messages the case stopped recording as events (it failed the connection on them) are still on the wire.
            var recorded = _events.Count(e => e[0].GetString() == "message");
            foreach (var m in _received.Skip(recorded).Take(3)) sb.Append(", then on the wire ").Append(DescribeMessage(m));
            var remote = Int("remoteCloseCode");
            var remoteReason = Str("remoteCloseReason");
            var peerClosed = _frames.Any(f => !f.Sent && f.Opcode == 8);
            var closeText = remote is { } code ? $"close {code}" + (string.IsNullOrEmpty(remoteReason) ? "" : $" (\"{remoteReason}\")")
                : peerClosed ? "a close with no code" : null;
            if (Bool("closedByMe") == true)
            {
                sb.Append(Bool("failedByMe") == true ? ", then we failed the connection" : ", then we closed").Append(Int("localCloseCode") is { } local ? $" with {local}" : "");
                sb.Append(closeText is null ? $" and {_peer} sent no close back" : $" and {_peer} answered {closeText}");
            }
            else
            {
                sb.Append(closeText is null ? $", and {_peer} sent no close" : $", then {_peer} sent {closeText}");
            }
            if (Bool("failedByMe") == true && Bool("closedByMe") != true) sb.Append("; we failed the connection");
            if (Bool("droppedByMe") == true && Bool("wasClean") != true) sb.Append("; we dropped the TCP connection");
            if (Bool("wasClean") == false) sb.Append("; the connection ended uncleanly").Append(Str("wasNotCleanReason") is { } why ? $" ({why})" : "");
            if (Bool("wasOpenHandshakeTimeout") == true) sb.Append("; the opening handshake timed out");
            if (Bool("wasCloseHandshakeTimeout") == true) sb.Append("; the closing handshake timed out");
            if (Bool("wasServerConnectionDropTimeout") == true) sb.Append("; the server did not drop the TCP connection in time");
            return sb.ToString();
        }

        private string DescribeEvents(IReadOnlyList<JsonElement> events, bool received)
        {
            if (events.Count == 0) return "nothing back";
            var parts = new List<string>();
            var messages = 0;
            foreach (var e in events)
            {
                parts.Add(DescribeEvent(e, received ? messages : -1));
                if (e[0].GetString() == "message") messages++;
            }
            if (parts.Count > 4) return $"{parts.Count} events: {parts[0]}, {parts[1]} and {parts.Count - 2} more";
            return Join(parts, ", then ");
        }

        /// <param name="message">For a received message, its position among received messages (to find its frames); -1 otherwise.</param>
        private string DescribeEvent(JsonElement e, int message)
        {
            switch (e[0].GetString())
            {
                case "message":
                    var preview = e[1].GetString() ?? "";
                    var binary = e.GetArrayLength() > 2 && e[2].ValueKind == JsonValueKind.True;
                    var bytes = WireFrame.PreviewBytes(preview);
                    var cut = preview.EndsWith(" ...", StringComparison.Ordinal);
                    var kind = binary ? "binary" : "text";
                    long length = bytes.Length;
                    if (message >= 0 && message < _received.Count && (cut || _received[message].Length > length)) length = _received[message].Length;
                    if (message >= 0 && !cut && _sent.Any(s => s.Complete && s.Bytes.AsSpan().SequenceEqual(bytes)))
                    {
                        return $"the message echoed back as {kind} ({Bytes(length)})";
                    }
                    return message >= 0 || cut || bytes.Length > 32
                        ? $"a {kind} message ({Bytes(length)})"
                        : $"the {kind} message {WireFrame.Preview(bytes, binary)}";
                case "pong":
                    var pong = WireFrame.PreviewBytes(e[1].GetString() ?? "");
                    return pong.Length == 0 ? "an empty pong" : $"a pong ({Bytes(pong.Length)})";
                case "timeout":
                    return $"quiet through wait {e[1]}" + (AfterFrame(e[1].GetString()) is { } n ? $" (after sent frame {n})" : "");
                default:
                    return e.GetRawText();
            }
        }

        /// <summary>How many frames the case had sent during or before the named wait.</summary>
        private int? AfterFrame(string? tag)
        {
            if (!_r.TryGetProperty("wirelog", out var w) || w.ValueKind != JsonValueKind.Array) return null;
            var i = -1;
            foreach (var e in w.EnumerateArray())
            {
                i++;
                // Counted at the wait's end: engines log the timer's start before or after the octets it follows.
                if (e.ValueKind == JsonValueKind.Array && e.GetArrayLength() >= 2 && e[0].GetString() == "CTE" && e[1].GetString() == tag)
                {
                    var n = _frames.Count(f => f.Sent && f.Entry < i);
                    return n == 0 ? null : n;
                }
            }
            return null;
        }

        /// <summary>Where the received events first differ from the OK outcome, else what went wrong with the close;
        /// with the wire log entry to centre the frames on.</summary>
        private (string? Text, int? Anchor) Diverge()
        {
            string? text = null;
            int? anchor = null;
            if (_r.TryGetProperty("expected", out var expected) && expected.ValueKind == JsonValueKind.Object && expected.TryGetProperty("OK", out var okEvents))
            {
                var ok = okEvents.EnumerateArray().ToList();
                var i = 0;
                while (i < ok.Count && i < _events.Count && JsonElement.DeepEquals(ok[i], _events[i])) i++;
                if (i < ok.Count || i < _events.Count)
                {
                    var want = i < ok.Count ? DescribeEvent(ok[i], -1) : "nothing more";
                    var got = i < _events.Count ? DescribeEvent(_events[i], _events.Take(i).Count(e => e[0].GetString() == "message")) : "nothing more";
                    text = $"the run left the OK path at received event {i + 1}: expected {want}, got {got}";
                    anchor = i < _events.Count ? EntryOf(_events, i) : FirstClose();
                }
            }
            var closeText = _close switch
            {
                CloseBehavior.Failed => Bool("closedByMe") == true
                    ? $"we had to close, because {_peer} never closed as it should have"
                    : $"{_peer} closed although the case expected to close itself",
                CloseBehavior.WrongCode => $"{_peer}'s close code {Int("remoteCloseCode")?.ToString(CultureInfo.InvariantCulture) ?? "(none)"} is not one of the expected",
                CloseBehavior.Unclean => "the closing handshake was not clean" + (Str("wasNotCleanReason") is { } why ? $" ({why})" : ""),
                CloseBehavior.FailedByClient => $"{_peer} never closed the TCP connection itself, so we dropped it",
                _ => null,
            };
            if (closeText is not null)
            {
                text = text is null ? closeText : text + "; and " + closeText;
                anchor ??= FirstClose();
            }
            return (text, anchor);
        }

        /// <summary>The wire log entry of the i-th received event: its message's last frame, its pong, or its wait's end.</summary>
        private int? EntryOf(IReadOnlyList<JsonElement> events, int i)
        {
            var kind = events[i][0].GetString();
            var nth = events.Take(i).Count(e => e[0].GetString() == kind);
            return kind switch
            {
                "message" => nth < _received.Count ? _received[nth].Frames[^1].Entry : null,
                "pong" => _frames.Where(f => !f.Sent && f.Opcode == 10).Select(f => (int?)f.Entry).ElementAtOrDefault(nth),
                "timeout" => _timers.Where(t => t.Line.Contains($"wait {events[i][1]} ", StringComparison.Ordinal)).Select(t => (int?)t.Entry).FirstOrDefault(),
                _ => null,
            };
        }

        private int? FirstClose() =>
            _frames.FirstOrDefault(f => !f.Sent && f.Opcode == 8)?.Entry
            ?? _frames.FirstOrDefault(f => f.Sent && f.Opcode == 8)?.Entry
            ?? (_frames.Count > 0 ? _frames[^1].Entry : null);

        private IReadOnlyList<string> Frames(int? anchor)
        {
            var lines = _frames.Select(f => (f.Entry, Line: f.Describe())).Concat(_timers).OrderBy(l => l.Item1).ToList();
            if (lines.Count == 0) return [];
            var at = anchor is { } a ? lines.FindIndex(l => l.Item1 >= a) : -1;
            if (at < 0) at = lines.Count - 1;
            var start = Math.Clamp(at - MaxFrames / 2, 0, Math.Max(0, lines.Count - MaxFrames));
            var window = lines.Skip(start).Take(MaxFrames).Select(l => l.Line).ToList();
            if (anchor is not null) window[at - start] += "   <== diverged here";
            return window;
        }

        private string Note()
        {
            var sb = new StringBuilder(_behavior switch
            {
                Behavior.Ok => "",
                Behavior.NonStrict => "NON-STRICT: the answer is allowed, but later or looser than the RFC prefers.",
                Behavior.Informational => "INFORMATIONAL: the RFC leaves this answer open, so it is recorded, not judged.",
                Behavior.Unimplemented => $"UNIMPLEMENTED: {_peer} did not accept permessage-deflate, so the case could not run.",
                _ when SelfJudged => "FAILED: the case's own check of the echoes failed.",
                _ => "FAILED: the answer matches none of the expected outcomes.",
            });
            var close = _close switch
            {
                CloseBehavior.Failed => "Close FAILED: the wrong side closed the connection.",
                CloseBehavior.WrongCode => "Close WRONG CODE: the close code is not one the case allows.",
                CloseBehavior.Unclean => "Close UNCLEAN: the case needs a clean closing handshake.",
                CloseBehavior.FailedByClient => $"Close FAILED BY CLIENT: {_peer} should have closed the TCP connection.",
                _ => "",
            };
            if (close.Length > 0) sb.Append(sb.Length > 0 ? " " : "").Append(close);
            return sb.ToString();
        }

        private bool ExpectedClosedByMe =>
            _r.TryGetProperty("expectedClose", out var c) && c.TryGetProperty("closedByMe", out var b) && b.ValueKind == JsonValueKind.True;

        private bool Compressed => Str("httpResponse")?.Contains("permessage-deflate", StringComparison.OrdinalIgnoreCase) == true;

        private string? Str(string name) => JsonFields.Str(_r, name);

        private int? Int(string name) => JsonFields.Int(_r, name);

        private bool? Bool(string name) => JsonFields.Bool(_r, name);
    }

    /// <summary>Data frames taken together as messages (a frame with a reserved or orphan opcode stands alone).</summary>
    private sealed record Message(int Opcode, List<WireFrame> Frames)
    {
        public long Length => Frames.Sum(f => f.Length);

        public bool Complete => Frames.All(f => f.Complete);

        public byte[] Bytes => [.. Frames.SelectMany(f => f.Shown)];

        public static List<Message> Group(IEnumerable<WireFrame> frames)
        {
            var messages = new List<Message>();
            Message? open = null;
            foreach (var f in frames.Where(f => f.Opcode < 8))
            {
                if (f.Opcode == 0 && open is not null) open.Frames.Add(f);
                else messages.Add(open = new Message(f.Opcode, [f]));
                if (f.Fin || f.Opcode is not (0 or 1 or 2)) open = null;
            }
            return messages;
        }
    }

    private static string Bytes(long n) => n == 1 ? "1 byte" : n.ToString(CultureInfo.InvariantCulture) + " bytes";

    private static string Sizes(IReadOnlyList<WireFrame> frames)
    {
        var sizes = frames.Take(5).Select(f => f.Length.ToString(CultureInfo.InvariantCulture)).ToList();
        var list = frames.Count > 5 ? string.Join(", ", sizes) + ", …" : Join(sizes, " and ", ", ");
        return list + " bytes";
    }

    private static string Codes(IEnumerable<int> codes) =>
        Join(codes.Select(c => c.ToString(CultureInfo.InvariantCulture)).ToList(), " or ", ", ");

    private static string Join(IEnumerable<string> items, string last, string sep = ", ")
    {
        var list = items.ToList();
        return list.Count <= 1 ? string.Concat(list) : string.Join(sep, list.Take(list.Count - 1)) + last + list[^1];
    }

    private static string Ordinal(int n) => n switch
    {
        1 => "first",
        2 => "second",
        3 => "third",
        4 => "fourth",
        5 => "fifth",
        _ => n.ToString(CultureInfo.InvariantCulture) + "th",
    };
}
