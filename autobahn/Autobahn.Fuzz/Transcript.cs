using Autobahn.Engine.Wire;

namespace Autobahn.Fuzz;

/// <summary>One frame as it went out: the step it came from, the flags on the wire, the payload before and after compression.</summary>
public sealed record SentFrame(int Step, int Opcode, bool Fin, int Rsv, bool Masked, LengthForm Length, DeflateKind Deflate, byte[] Plain, byte[] Wire, bool Epilogue = false);

public enum EventKind { Frame, TcpClosed, Reset, Undecodable }

/// <summary>Something that came back: a frame, or the end of the TCP stream. <c>Sent</c> is how many steps had gone out by then.</summary>
public sealed record ServerEvent(EventKind Kind, double AtMs, int Sent, ReceivedFrame? Frame = null, string? Detail = null);

/// <summary>Everything one run of a session saw, for the oracle and for `replay`.</summary>
public sealed class Transcript
{
    public bool ConnectFailed { get; set; }
    public string? ConnectError { get; set; }
    public int? Status { get; set; }
    public string? ResponseHead { get; set; }
    /// <summary>The server closed or went silent before a whole HTTP answer: "closed" or "timeout".</summary>
    public string? HandshakeEnd { get; set; }
    public bool AcceptValid { get; set; }
    public string? UpgradeProblem { get; set; }
    public string? ExtensionsAnswer { get; set; }
    public DeflateAgreement? Agreement { get; set; }
    public string? ExtensionError { get; set; }
    public List<SentFrame> Sent { get; } = [];
    public int StepsSent { get; set; }
    public bool AbortedByUs { get; set; }
    public List<ServerEvent> Events { get; } = [];
    /// <summary>A send made no progress within the deadline: the server stopped reading (its socket buffers and ours were full), so we stopped sending.</summary>
    public bool SendStalled { get; set; }
    /// <summary>We gave up waiting for the server (it neither closed nor dropped TCP in time).</summary>
    public bool GaveUp { get; set; }
    public double ElapsedMs { get; set; }

    /// <summary>Something ended because the deadline passed (the answer to the request, a write, or the wait for the server's end): the verdict rests on time.</summary>
    public bool WaitedOut => GaveUp || SendStalled || HandshakeEnd == "timeout";
    public bool Upgraded => Status == 101 && AcceptValid && UpgradeProblem is null;
    public IEnumerable<ReceivedFrame> Frames => Events.Where(e => e.Kind == EventKind.Frame).Select(e => e.Frame!);
    public bool TcpEnded => Events.Any(e => e.Kind is EventKind.TcpClosed or EventKind.Reset);
    public bool ServerSentClose => Frames.Any(f => f.Opcode == 8);
}
