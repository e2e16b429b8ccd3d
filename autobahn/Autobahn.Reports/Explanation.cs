using System.Text;
using Autobahn.Vocabulary;

namespace Autobahn.Runner.Reports;

/// <summary>
/// Why one case got its verdict, in our words: what the case sent, what it expected, what came back and where the
/// run left the expected path, plus the wire frames around that point.
/// </summary>
/// <param name="Divergence">Where the events first differ from the OK outcome, or what went wrong with the close; null when nothing did.</param>
/// <param name="Note">What the verdict means for this case (e.g. why INFORMATIONAL is not a failure).</param>
/// <param name="Frames">At most <see cref="FailureExplainer.MaxFrames"/> lines, one per frame or wait, around the divergence.</param>
public sealed record Explanation(
    string CaseId,
    Behavior Behavior,
    CloseBehavior BehaviorClose,
    string Sent,
    string Expected,
    string Got,
    string? Divergence,
    string Note,
    IReadOnlyList<string> Frames)
{
    /// <summary>The one or two sentences without the frames.</summary>
    public string Summary
    {
        get
        {
            var sb = new StringBuilder();
            sb.Append("Sent ").Append(Sent).Append("; expected ").Append(Expected).Append("; got ").Append(Got).Append('.');
            if (Divergence is not null) sb.Append(' ').Append(char.ToUpperInvariant(Divergence[0])).Append(Divergence[1..]).Append('.');
            return sb.ToString();
        }
    }

    /// <summary>The text shown everywhere (console, JUnit, Markdown, HTML): verdict, sentences, note, then the frames indented.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        sb.Append(CaseId).Append(' ').Append(Behavior.Name()).Append(" / close ").Append(BehaviorClose.Name()).Append(": ")
          .Append(Summary).Append(' ').Append(Note);
        if (Frames.Count > 0)
        {
            sb.Append('\n').Append("frames:");
            foreach (var f in Frames) sb.Append("\n  ").Append(f);
        }
        return sb.ToString();
    }
}
