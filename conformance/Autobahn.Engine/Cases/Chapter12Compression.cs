using Autobahn.Engine.Wire;
using Autobahn.Vocabulary;

namespace Autobahn.Engine.Cases;

/// <summary>
/// Chapters 12 and 13: permessage-deflate. 1000 compressed messages per case, of one size, optionally split into frames,
/// each sent when the previous echo is back and compared octet for octet. Chapter 12 varies the payload kind with the
/// default offer; chapter 13 keeps one payload and varies what is offered (context takeover, window sizes).
/// A peer that does not accept the offer gets UNIMPLEMENTED.
/// </summary>
public static class Chapter12Compression
{
    private static readonly (int Length, int Count, int Wait, int Fragment)[] Sizes =
    [
        (16, 1000, 60, 0), (64, 1000, 60, 0), (256, 1000, 120, 0), (1024, 1000, 240, 0), (4096, 1000, 480, 0), (8192, 1000, 480, 0),
        (16384, 1000, 480, 0), (32768, 1000, 480, 0), (65536, 1000, 480, 0), (131072, 1000, 480, 0),
        (8192, 1000, 480, 256), (16384, 1000, 480, 256), (32768, 1000, 480, 256), (65536, 1000, 480, 256), (131072, 1000, 480, 256),
        (131072, 1000, 480, 1024), (131072, 1000, 480, 4096), (131072, 1000, 480, 32768),
    ];

    /// <summary>Chapter 13's offer sets, in order: default; no context takeover; window 9; window 15; both; both at 15; three offers to fall back through.</summary>
    private static readonly DeflateOffer[][] OfferSets =
    [
        [new()],
        [new(RequestNoContextTakeover: true)],
        [new(RequestMaxWindowBits: 9)],
        [new(RequestMaxWindowBits: 15)],
        [new(RequestNoContextTakeover: true, RequestMaxWindowBits: 9)],
        [new(RequestNoContextTakeover: true, RequestMaxWindowBits: 15)],
        [new(RequestNoContextTakeover: true, RequestMaxWindowBits: 9), new(RequestNoContextTakeover: true), new()],
    ];

    /// <summary>How the engine as a server answers each chapter 13 subsection's client (the same pairing the official suite uses).</summary>
    private static readonly DeflateServerPolicy[] Policies =
    [
        DeflateServerPolicy.AcceptAny,
        new([(true, 0)]),
        new([(false, 9)]),
        new([(false, 15)]),
        new([(true, 9)]),
        new([(true, 15)]),
        new([(true, 9), (true, 0), (false, 0)]),
    ];

    public static IEnumerable<CaseDefinition> Cases()
    {
        for (int j = 0; j < CompressionCorpus.All.Count; j++)
            for (int i = 0; i < Sizes.Length; i++)
                yield return Case($"12.{j + 1}.{i + 1}", CompressionCorpus.All[j], Sizes[i], [new DeflateOffer()]) with { DeflatePolicy = DeflateServerPolicy.AcceptAny };
        for (int j = 0; j < OfferSets.Length; j++)
            for (int i = 0; i < Sizes.Length; i++)
                yield return Case($"13.{j + 1}.{i + 1}", CompressionCorpus.Json12, Sizes[i], OfferSets[j]) with { DeflatePolicy = Policies[j] };
    }

    private static CaseDefinition Case(string id, CompressionCorpus.Item data, (int Length, int Count, int Wait, int Fragment) s, DeflateOffer[] offers)
    {
        string frames = s.Fragment == 0 ? "one frame each" : $"frames of {s.Fragment} octets";
        string offered = string.Join(", ", offers.Select(o => o.Header()));
        return new CaseDefinition(id,
            $"{s.Count} compressed {(data.Binary ? "binary" : "text")} messages of {s.Length} octets ({data.Description}), {frames}; offer: {offered}.",
            $"Every message comes back exactly as sent (the suite allows {s.Wait} s; we wait while echoes keep coming).")
        {
            DeflateOffers = offers,
            Close = ExpectedClose.Normal,
            ReportTime = true,
            BulkOctets = (long)s.Length * s.Count,
            HardLimit = Build.BulkHardLimit(s.Wait),
            Opening = ctx =>
            {
                if (ctx.Deflate is null)
                {
                    (ctx.Verdict, ctx.Result) = (VerdictWords.Unimplemented, "The peer did not accept permessage-deflate.");
                    return [new SendClose(1000)];
                }
                // Stays the result unless every echo arrives: the peer may drop the connection early, or be slow.
                ctx.Result = $"No echo came back before the connection ended (or {Build.IdleSeconds} s passed without one).";
                return [new SetWireLog(false, Mark: true), new CloseWhenIdle(Build.IdleSeconds), Next(ctx, data, s)];
            },
            OnEvent = (ctx, e) =>
            {
                if (e.Kind != "message") return [];
                var sent = (byte[])ctx.Bag["sent"];
                int count = (int)ctx.Bag["count"];
                if (e.Binary != data.Binary || !e.Data.AsSpan().SequenceEqual(sent))
                {
                    (ctx.Verdict, ctx.Result) = (VerdictWords.Failed, e.Binary != data.Binary ? "An echo came back with the wrong message type."
                        : e.Data.Length != sent.Length ? $"An echo came back with {e.Data.Length} octets instead of {sent.Length}."
                        : "An echo came back with different content.");
                    return [new SetWireLog(true, Mark: true), new SendClose(1000)];
                }
                ctx.Received.Clear(); // only the count matters; do not keep 1000 echoes
                if (count < s.Count)
                {
                    ctx.Result = $"Only {count} of {s.Count} messages came back before the connection ended (or {Build.IdleSeconds} s passed without one).";
                    return [Next(ctx, data, s)];
                }
                (ctx.Verdict, ctx.Result) = (VerdictWords.Ok, "All messages came back exactly, in time.");
                return [new SetWireLog(true, Mark: true), new SendClose(1000)];
            },
        };
    }

    /// <summary>The next slice of the payload, taken round the corpus like a ring, as the next message.</summary>
    private static SendMessage Next(CaseContext ctx, CompressionCorpus.Item data, (int Length, int Count, int Wait, int Fragment) s)
    {
        int from = ctx.Bag.TryGetValue("at", out var at) ? (int)at : 0;
        var message = new byte[s.Length];
        for (int k = 0; k < s.Length;)
        {
            int n = Math.Min(s.Length - k, data.Data.Length - (from + k) % data.Data.Length);
            data.Data.AsSpan((from + k) % data.Data.Length, n).CopyTo(message.AsSpan(k));
            k += n;
        }
        ctx.Bag["at"] = (from + s.Length) % data.Data.Length;
        ctx.Bag["sent"] = message;
        int index = ctx.Bag.TryGetValue("count", out var c) ? (int)c : 0;
        ctx.Bag["count"] = index + 1;
        // The same slices in the same order for every frame size: the compressed messages of one case serve the next.
        return new SendMessage(message, data.Binary, s.Fragment == 0 ? null : s.Fragment) { Sequence = new($"{data.Name}/{s.Length}", index, s.Count) };
    }
}
