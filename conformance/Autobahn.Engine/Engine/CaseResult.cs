using Autobahn.Engine.Cases;
using Autobahn.Engine.Wire;
using Autobahn.Vocabulary;

namespace Autobahn.Engine.Engine;

/// <summary>Everything the engine learned from one case run: the verdicts and the facts they rest on.</summary>
public sealed class CaseResult
{
    public required CaseDefinition Case { get; init; }
    /// <summary>1-based position of the case in the whole suite (the official "case" field).</summary>
    public int CaseIndex { get; set; }
    public string Agent { get; set; } = "";
    public string Started { get; set; } = "";
    public long DurationMs { get; set; }
    public string Behavior { get; set; } = VerdictWords.Failed;
    public string BehaviorClose { get; set; } = VerdictWords.Failed;
    public string Result { get; set; } = "Actual events differ from any expected.";
    public string ResultClose { get; set; } = "TCP connection was dropped without close handshake";
    public List<PeerEvent> Received { get; init; } = [];
    public bool IsServer { get; set; }
    public bool ClosedByMe { get; set; }
    public bool FailedByMe { get; set; }
    public bool DroppedByMe { get; set; }
    public bool WasClean { get; set; }
    public string? WasNotCleanReason { get; set; }
    public bool WasServerConnectionDropTimeout { get; set; }
    public bool WasOpenHandshakeTimeout { get; set; }
    public bool WasCloseHandshakeTimeout { get; set; }
    public int? LocalCloseCode { get; set; }
    public string? LocalCloseReason { get; set; }
    public int? RemoteCloseCode { get; set; }
    public string? RemoteCloseReason { get; set; }
    /// <summary>What the case ran over: "http/1.1", "h2c" or "h2" (<see cref="Autobahn.Engine.Transport.WebSocketTransports"/>).</summary>
    public string Transport { get; set; } = Autobahn.Engine.Transport.WebSocketTransports.Http11;
    public string HttpRequest { get; set; } = "?";
    public string HttpResponse { get; set; } = "?";
    public required WireLog Log { get; init; }
}
