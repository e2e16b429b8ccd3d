using Autobahn.Engine.Wire;

namespace Autobahn.Engine.Cases;

/// <summary>
/// One conformance case, as data: what the engine sends (in order, with its pauses and deadlines) and what the
/// peer must do in return. The engine interprets it; nothing here talks to a socket.
/// </summary>
public sealed record CaseDefinition(string Id, string Description, string Expectation)
{
    public IReadOnlyList<Step> Steps { get; init; } = [];
    /// <summary>Outcomes in the order they are tried; the first whose events equal what was received names the verdict.</summary>
    public IReadOnlyList<Outcome> Expected { get; init; } = [];
    public ExpectedClose Close { get; init; } = ExpectedClose.Normal;
    /// <summary>The report shows the case's duration as its result (the performance chapters).</summary>
    public bool ReportTime { get; init; }
    /// <summary>Replies the case makes to what it receives (e.g. send the next message when one echo is in).</summary>
    public Reaction? OnEvent { get; init; }
    /// <summary>Longest the case may run before the engine drops the connection (the suite's own deadlines are shorter).</summary>
    public TimeSpan HardLimit { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>permessage-deflate offers for the opening handshake (none: no extension offered).</summary>
    public IReadOnlyList<Wire.DeflateOffer> DeflateOffers { get; init; } = [];
    /// <summary>How the engine, as a server, answers a client's permessage-deflate offers (null: never accepts).</summary>
    public Wire.DeflateServerPolicy? DeflatePolicy { get; init; }
    /// <summary>Decides the first steps once the connection is open (e.g. from what the handshake agreed); used instead of <see cref="Steps"/>.</summary>
    public Func<CaseContext, IEnumerable<Step>>? Opening { get; init; }
    /// <summary>Do not start the closing handshake when the expected events are in (the case closes on its own terms).</summary>
    public bool SuppressClose { get; init; }
    public Judging Judging { get; init; }
    /// <summary>The rule book the case belongs to (it decides, for one, which close codes the peer may send).</summary>
    public SuiteProfile Profile { get; init; }
    /// <summary>Never run two of these at once (performance cases must not compete with other cases).</summary>
    public bool Serial { get; init; }
    /// <summary>Payload octets the case sends when the peer passes it (the bulk chapters 9, 12 and 13); what it costs to run.</summary>
    public long BulkOctets { get; init; }

    /// <summary>
    /// The verdict depends on how soon the peer answers: the script pauses or sets a short deadline (a peer that fails
    /// the connection a second late fails the case), or the case is a performance case. Such a case runs with no other.
    /// The bulk cases' idle deadline is not one of these: a peer that keeps echoing never reaches it.
    /// </summary>
    public bool TimingSensitive => Serial || Steps.Any(s => s is ContinueLater or KillAfter or CloseAfter);
}

/// <summary>A hook that lets a case react to an event; it returns steps to run now (possibly none).</summary>
public delegate IEnumerable<Step> Reaction(CaseContext context, PeerEvent received);

/// <summary>What a reaction can see of the running case.</summary>
public sealed class CaseContext
{
    public CaseContext() { }
    public CaseContext(Wire.DeflateAgreement? deflate) => Deflate = deflate;

    public List<PeerEvent> Received { get; } = [];
    /// <summary>Scratch state a reaction keeps between calls (counters, timers).</summary>
    public Dictionary<string, object> Bag { get; } = [];
    public System.Diagnostics.Stopwatch Clock { get; } = new();
    /// <summary>The compression both sides agreed on in the opening handshake, if any.</summary>
    public Wire.DeflateAgreement? Deflate { get; init; }
    /// <summary>For cases judged by their own logic (no expected outcomes): the verdict so far and why.</summary>
    public string? Verdict { get; set; }
    public string? Result { get; set; }
}

/// <summary>Extra rules some chapters lay on top of the usual verdict.</summary>
public enum Judging
{
    Normal,
    /// <summary>A wrong close code from the peer fails the case itself, not only its close behaviour.</summary>
    WrongCodeFails,
    /// <summary>The spec leaves the peer free here: both verdicts become INFORMATIONAL.</summary>
    Informational,
}

public sealed record Outcome(string Verdict, IReadOnlyList<PeerEvent> Events);

/// <summary>How the connection must end: who starts the close, which codes are right, and whether it must be clean.</summary>
public sealed record ExpectedClose(bool ClosedByMe, IReadOnlyList<int> Codes, bool RequireClean, bool WrongEndpointIsFatal = false)
{
    public static readonly ExpectedClose Normal = new(true, [1000], true);
    public static ExpectedClose FailedByPeer(int code, bool wrongEndpointIsFatal = false) => new(false, [code], false, wrongEndpointIsFatal);
}

/// <summary>An event recorded from the peer (or a deadline the case noted): message, ping, pong or timeout.</summary>
public sealed record PeerEvent(string Kind, byte[] Data, bool Binary = false, string? Tag = null)
{
    public static PeerEvent Text(string s) => new("message", System.Text.Encoding.UTF8.GetBytes(s), false);
    public static PeerEvent Text(byte[] b) => new("message", b, false);
    public static PeerEvent Bytes(byte[] b) => new("message", b, true);
    public static PeerEvent Pong(byte[] b) => new("pong", b);
    public static PeerEvent Pong(string s) => new("pong", System.Text.Encoding.UTF8.GetBytes(s));
    public static PeerEvent Timeout(string tag) => new("timeout", [], Tag: tag);

    public bool SameAs(PeerEvent other) =>
        Kind == other.Kind && Binary == other.Binary && Tag == other.Tag && Data.AsSpan().SequenceEqual(other.Data);
}

/// <summary>One thing the engine does, in script order.</summary>
public abstract record Step;
/// <summary>Send one frame exactly as described.</summary>
public sealed record SendFrame(FrameSpec Frame) : Step;
/// <summary>Send a message the ordinary way, optionally cut into frames of <paramref name="FragmentSize"/> octets.</summary>
public sealed record SendMessage(byte[] Payload, bool Binary, int? FragmentSize = null) : Step
{
    /// <summary>The message's place in a fixed sequence, whose compressed form the engine may replay from an earlier case.</summary>
    public Wire.MessageSequence? Sequence { get; init; }
}
/// <summary>Start a closing handshake (no code means an empty close body).</summary>
public sealed record SendClose(int? Code = null, byte[]? Reason = null) : Step;
/// <summary>Send the header of one frame whose payload follows later in pieces (see <see cref="SendFrameData"/>).</summary>
public sealed record BeginFrame(int Opcode, int PayloadLength, bool Fin = true) : Step;
public sealed record SendFrameData(byte[] Data) : Step;
/// <summary>After the delay, fail the connection if it is still up.</summary>
public sealed record KillAfter(double Seconds) : Step;
/// <summary>After the delay, start the closing handshake if the connection is still up.</summary>
public sealed record CloseAfter(double Seconds) : Step;
/// <summary>Start the closing handshake once no octet has crossed the wire for <paramref name="Seconds"/>: the deadline of the bulk
/// cases, which a peer that is slow (a busy machine) but still echoing never reaches, and a peer that stopped does.</summary>
public sealed record CloseWhenIdle(double Seconds) : Step;
/// <summary>Pause the script; the rest runs after the delay if the connection is still up (open, when <paramref name="OnlyWhenOpen"/>),
/// and a <c>timeout</c> event with the tag is recorded when <paramref name="RecordTimeout"/>.</summary>
public sealed record ContinueLater(double Seconds, string? Tag = null, bool OnlyWhenOpen = false, bool RecordTimeout = false) : Step;
/// <summary>Turn the wire log on or off (big transfers are kept out of it); <paramref name="Mark"/> notes the switch in the log.</summary>
public sealed record SetWireLog(bool Enabled, bool Mark = false) : Step;
