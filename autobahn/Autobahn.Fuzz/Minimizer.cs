namespace Autobahn.Fuzz;

/// <summary>
/// Delta debugging of a finding: drop steps while the same rule still breaks for the same requirement, then simplify
/// what is left (a plain request, no splits, shortest length forms) and shrink each payload. Bounded by a number of runs.
/// </summary>
/// <remarks>
/// The requirement (the verdict's reference) must stay the same, not only the rule: "not-failed" after invalid UTF-8
/// and "not-failed" after a reserved bit are two findings, and a candidate that trades one for the other (a slow run
/// can make any violation look unanswered) is not a smaller form of the first.
/// </remarks>
public sealed class Minimizer(Func<FuzzSession, CancellationToken, Task<Verdict?>> run, Verdict finding, int budget = 120)
{
    public int Runs { get; private set; }

    private async Task<bool> StillFailsAsync(FuzzSession s, CancellationToken ct)
    {
        if (Runs >= budget) return false;
        Runs++;
        var v = await run(s, ct).ConfigureAwait(false);
        return SameFinding(v, finding);
    }

    /// <summary>Whether a run's verdict is the finding again: the same rule broken for the same requirement.</summary>
    public static bool SameFinding(Verdict? v, Verdict finding) => v is not null && v.Rule == finding.Rule && v.Reference == finding.Reference;

    public async Task<FuzzSession> MinimizeAsync(FuzzSession session, CancellationToken ct)
    {
        var steps = await DdminAsync(session.Steps, list => session with { Steps = list }, ct).ConfigureAwait(false);
        var s = session with { Steps = steps };
        if (!finding.Rule.StartsWith("handshake", StringComparison.Ordinal) && !finding.Rule.StartsWith("extension", StringComparison.Ordinal))
        {
            var plain = PlainHandshake(s.Handshake, keepExtensions: true);
            if (plain != s.Handshake && await StillFailsAsync(s with { Handshake = plain }, ct).ConfigureAwait(false)) s = s with { Handshake = plain };
            var bare = PlainHandshake(s.Handshake, keepExtensions: false);
            if (bare.Headers.Count != s.Handshake.Headers.Count && await StillFailsAsync(s with { Handshake = bare }, ct).ConfigureAwait(false)) s = s with { Handshake = bare };
        }
        for (int i = 0; i < s.Steps.Count; i++)
        {
            var step = s.Steps[i];
            if (step.Kind != StepKind.Frame) continue;
            foreach (var simpler in new[] { step with { Splits = [] }, step with { Length = LengthForm.Minimal } })
            {
                if (simpler == step || simpler.Splits.SequenceEqual(step.Splits) && simpler.Length == step.Length) continue;
                var candidate = s with { Steps = Replace(s.Steps, i, simpler) };
                if (await StillFailsAsync(candidate, ct).ConfigureAwait(false)) { s = candidate; step = simpler; }
            }
            var bytes = step.PayloadBytes;
            if (bytes.Length == 0) continue;
            int index = i;
            var smaller = await DdminAsync([.. bytes], b => s with { Steps = Replace(s.Steps, index, s.Steps[index] with { Payload = Convert.ToHexStringLower([.. b]) }) }, ct).ConfigureAwait(false);
            s = s with { Steps = Replace(s.Steps, i, s.Steps[i] with { Payload = Convert.ToHexStringLower([.. smaller]) }) };
        }
        return s;
    }

    private static List<FuzzStep> Replace(List<FuzzStep> steps, int i, FuzzStep step)
    {
        var copy = steps.ToList();
        copy[i] = step;
        return copy;
    }

    /// <summary>The classic ddmin: try removing chunks of halving size while the failure stays.</summary>
    private async Task<List<T>> DdminAsync<T>(List<T> items, Func<List<T>, FuzzSession> build, CancellationToken ct)
    {
        var current = items;
        int n = 2;
        while (current.Count >= 1 && Runs < budget)
        {
            int chunk = (int)Math.Ceiling(current.Count / (double)n);
            bool reduced = false;
            for (int start = 0; start < current.Count; start += chunk)
            {
                var complement = current.Take(start).Concat(current.Skip(start + chunk)).ToList();
                if (complement.Count == current.Count) continue;
                if (await StillFailsAsync(build(complement), ct).ConfigureAwait(false))
                {
                    current = complement;
                    n = Math.Max(n - 1, 2);
                    reduced = true;
                    break;
                }
            }
            if (reduced) continue;
            if (chunk <= 1) break;
            n = Math.Min(current.Count, n * 2);
        }
        return current;
    }

    /// <summary>The standard request with the same key (and, when asked, the same extension offers).</summary>
    public static HandshakeSpec PlainHandshake(HandshakeSpec h, bool keepExtensions)
    {
        var headers = new List<HeaderField>
        {
            new("Host", " {host}"), new("Upgrade", " websocket"), new("Connection", " Upgrade"),
            new("Sec-WebSocket-Key", " {key}"), new("Sec-WebSocket-Version", " 13"),
        };
        if (keepExtensions) headers.AddRange(h.Headers.Where(f => f.Name.Trim().Equals("Sec-WebSocket-Extensions", StringComparison.OrdinalIgnoreCase)));
        var plain = new HandshakeSpec { Key = h.Key, Headers = headers };
        return plain.Headers.SequenceEqual(h.Headers) && h.Method == "GET" && h.Version == "HTTP/1.1" && h.Path == "/" && h.Splits.Count == 0 ? h : plain;
    }
}
