using System.Diagnostics;
using System.Net.Sockets;
using Autobahn.Vocabulary;

namespace Autobahn.Engine.Rfc8441;

/// <summary>Runs the chapter's cases against one server, one after another, each on its own connections and within a hard limit.</summary>
public static class Rfc8441Run
{
    public static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(60);

    /// <summary>The cases whose id matches one of the patterns (a trailing * matches any rest; none given: all).</summary>
    public static IReadOnlyList<Rfc8441Case> Select(IReadOnlyList<string> patterns) =>
        patterns.Count == 0 ? Rfc8441Chapter.Cases
        : [.. Rfc8441Chapter.Cases.Where(c => patterns.Any(p => p.EndsWith('*') ? c.Id.StartsWith(p[..^1], StringComparison.Ordinal) : c.Id == p))];

    /// <summary>Null when the server speaks HTTP/2 at the URL; otherwise why not (the run cannot start).</summary>
    public static async Task<string?> CheckReachableAsync(Uri target, bool acceptAnyCertificate, CancellationToken ct)
    {
        await using var probe = new Rfc8441Probe(target, acceptAnyCertificate);
        try
        {
            var c = await probe.ConnectAsync(ct);
            await c.PeerSettings.WaitAsync(probe.AnswerTimeout, ct);
            return null;
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or CaseFailedException or System.Security.Authentication.AuthenticationException)
        {
            return $"no HTTP/2 at {target}: {e.Message}";
        }
    }

    public static async Task<IReadOnlyList<Rfc8441Result>> RunAsync(Uri target, bool acceptAnyCertificate, IReadOnlyList<Rfc8441Case> cases,
        Action<Rfc8441Result>? progress, CancellationToken ct)
    {
        var results = new List<Rfc8441Result>();
        foreach (var c in cases)
        {
            var result = await RunOneAsync(target, acceptAnyCertificate, c, ct);
            progress?.Invoke(result);
            results.Add(result);
        }
        return results;
    }

    public static async Task<Rfc8441Result> RunOneAsync(Uri target, bool acceptAnyCertificate, Rfc8441Case c, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(CaseLimit);
        CaseVerdict verdict;
        await using (var probe = new Rfc8441Probe(target, acceptAnyCertificate))
        {
            try
            {
                verdict = await c.Run(probe, limit.Token);
            }
            catch (CaseFailedException e)
            {
                verdict = new(VerdictWords.Failed, e.Message);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                verdict = new(VerdictWords.Failed, $"the case did not finish within {CaseLimit.TotalSeconds:0} s");
            }
            catch (Exception e) when (e is IOException or SocketException or InvalidDataException or System.Security.Authentication.AuthenticationException)
            {
                verdict = new(VerdictWords.Failed, $"the connection failed: {e.Message}");
            }
        }
        return new Rfc8441Result(c, verdict.Verdict, verdict.Observed, clock.ElapsedMilliseconds);
    }
}
