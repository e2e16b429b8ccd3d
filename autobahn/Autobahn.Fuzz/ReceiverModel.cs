using System.Buffers.Binary;
using Autobahn.Engine.Engine;
using Autobahn.Engine.Wire;

namespace Autobahn.Fuzz;

/// <summary>
/// Where the RFCs leave the receiver a choice, the oracle tries each reading: a server passes when one of them explains
/// what it did. Default: the permissive reading (the frame is processed); each flag: the strict one (the frame fails).
/// </summary>
public readonly record struct Choices(bool NonMinimalDataFails, bool NonMinimalControlFails, bool NewCodesFail, bool BigMessageFails, bool FailsFast)
{
    public static readonly Choices Default = new(false, false, false, false, false);
    public static IEnumerable<Choices> All()
    {
        for (int i = 0; i < 32; i++) yield return new((i & 1) != 0, (i & 2) != 0, (i & 4) != 0, (i & 8) != 0, (i & 16) != 0);
    }
}

/// <summary>A protocol error in what we sent: the frame it is in, the codes the server may fail with, and the rule.</summary>
public sealed record Violation(int Frame, int Step, IReadOnlyList<int> Codes, string What, string Rule);

/// <summary>What a conformant echo server owes for the frames sent, under one reading of the RFCs.</summary>
public sealed class Expectation
{
    public List<(bool Binary, byte[] Data)> Echoes { get; } = [];
    public List<byte[]> Pings { get; } = [];
    public Violation? Violation { get; set; }
    /// <summary>Our valid close (the codes the server may answer with: 1000 or ours, or none).</summary>
    public IReadOnlyList<int>? CloseReplyCodes { get; set; }
    /// <summary>From here on the RFCs do not say what the server does (e.g. a compressed message built of mixed pieces).</summary>
    public bool Undefined { get; set; }
    public string? UndefinedWhy { get; set; }
}

/// <summary>
/// A receiver of RFC 6455 and RFC 7692 as our engine judges peers (conformance/Autobahn.Engine CaseSession.OnFrame and
/// the suite's expected close codes), run over the frames we sent to say what the server owes.
/// </summary>
public static class ReceiverModel
{
    /// <summary>Messages from this size on may be refused with 1009 (a server's size limit is its policy).</summary>
    public const int BigMessage = 16 * 1024;

    public static Expectation Expect(DeflateAgreement? agreement, IReadOnlyList<SentFrame> sent, Choices choices)
    {
        var e = new Expectation();
        bool open = false, compressed = false, binary = false;
        var parts = new List<SentFrame>();
        long size = 0;
        for (int i = 0; i < sent.Count; i++)
        {
            var f = sent[i];
            Violation V(string what, string rule, params int[] codes) => new(i, f.Step, codes, what, rule);
            bool rsv1Allowed = agreement is not null && f.Opcode is 1 or 2 && f.Rsv == 4;
            var v =
                !f.Masked ? V("a client frame without a mask", "RFC 6455 5.1: a server must close the connection on an unmasked frame", 1002)
                : f.Length == LengthForm.TopBit64 ? V("a 64-bit length with its most significant bit set", "RFC 6455 5.2: the most significant bit of a 64-bit length must be 0", 1002, 1009)
                : f.Length != LengthForm.Minimal && (f.Opcode >= 8 ? choices.NonMinimalControlFails : choices.NonMinimalDataFails) ? V("a length not in its shortest form", "RFC 6455 5.2: the minimal number of octets must be used to encode the length", 1002)
                : f.Rsv != 0 && !rsv1Allowed ? V($"reserved bits {f.Rsv} that no agreed extension defines" + (f.Opcode == 0 && f.Rsv == 4 ? " (RSV1 on a continuation frame)" : ""),
                    f.Opcode == 0 && f.Rsv == 4 && agreement is not null ? "RFC 7692 6.1: RSV1 is set on the first frame of a compressed message only" : "RFC 6455 5.2: a nonzero reserved bit without a negotiated meaning fails the connection", 1002)
                : f.Opcode is (>= 3 and <= 7) or > 10 ? V($"reserved opcode {f.Opcode}", "RFC 6455 5.2: a reserved opcode fails the connection", 1002)
                : f.Opcode >= 8 && !f.Fin ? V("a fragmented control frame", "RFC 6455 5.5: control frames must not be fragmented", 1002)
                : f.Opcode >= 8 && f.Wire.Length > 125 ? V("a control frame with more than 125 octets", "RFC 6455 5.5: control frames carry at most 125 octets", 1002)
                : f.Opcode == 0 && !open ? V("a continuation frame with no message open", "RFC 6455 5.4: a continuation must follow a started message", 1002)
                : f.Opcode is 1 or 2 && open ? V("a new data frame while a fragmented message is open", "RFC 6455 5.4: fragments of one message may not be interleaved with another", 1002)
                : null;
            if (v is not null) { e.Violation = v; return e; }
            switch (f.Opcode)
            {
                case 8:
                    var p = f.Wire;
                    if (p.Length == 1) { e.Violation = V("a close frame with a 1-octet payload", "RFC 6455 5.5.1: a close body starts with a 2-octet code", 1002); return e; }
                    int? code = p.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(p) : null;
                    if (code is int c && !CloseCodes.IsValidOnWire(c))
                    {
                        // 1012-1014 were registered after RFC 6455; 5000 and up are undefined: the suite accepts either answer.
                        bool arguable = CloseCodes.RegisteredLater.Contains(c) || c >= 5000;
                        if (!arguable || choices.NewCodesFail)
                        {
                            // With a reason that is not UTF-8 as well, a server may trip over either first.
                            int[] codes = p.Length > 2 && !System.Text.Unicode.Utf8.IsValid(p.AsSpan(2)) ? [1002, 1007] : [1002];
                            e.Violation = V($"close code {c}, which may not be sent", "RFC 6455 7.4: a close code outside the defined ranges is a protocol error", codes);
                            return e;
                        }
                    }
                    if (p.Length > 2 && !System.Text.Unicode.Utf8.IsValid(p.AsSpan(2)))
                    {
                        e.Violation = V("a close reason that is not UTF-8", "RFC 6455 8.1 and 7.4.1: a close reason must be UTF-8 (1007; the suite also takes 1002)", 1002, 1007);
                        return e;
                    }
                    e.CloseReplyCodes = code is int cc ? [1000, cc] : [1000];
                    return e;
                case 9: e.Pings.Add(f.Wire); continue;
                case 10: continue;
            }
            if (f.Opcode != 0)
            {
                open = true; compressed = f.Rsv == 4; binary = f.Opcode == 2; parts.Clear(); size = 0;
            }
            parts.Add(f);
            size += f.Plain.Length;
            if (size >= BigMessage && choices.BigMessageFails) { e.Violation = V($"a message of {size} octets or more", "a server may refuse a message over its size limit with 1009 (RFC 6455 7.4.1)", 1009); return e; }
            // A text whose octets so far can no longer become UTF-8 may be failed at once, before its last fragment (the suite's 6.4.x).
            // A compressed message made of a deflate stream and plain octets, or of no deflate stream at all: anything may happen.
            if (compressed && (parts.Count > 1 || parts[0].Deflate == DeflateKind.None))
            {
                e.Undefined = true;
                e.UndefinedWhy = "a compressed message whose fragments were not compressed as one stream";
                return e;
            }
            // So may a compressed message whose octets so far cannot inflate.
            if (compressed && choices.FailsFast && !f.Fin && parts.Any(x => x.Deflate == DeflateKind.Corrupt))
            {
                e.Violation = V("a compressed message that does not inflate (failed before its last fragment)", "RFC 7692 8.2.3 and RFC 6455 7.1.7: a message that cannot be decompressed fails the connection (1007 or 1002)", 1002, 1007);
                return e;
            }
            byte[]? sofar = !compressed ? [.. parts.SelectMany(x => x.Wire)] : parts[0].Deflate == DeflateKind.Valid ? parts[0].Plain : null;
            if (!binary && choices.FailsFast && !f.Fin && sofar is not null && !CouldBeUtf8(sofar))
            {
                e.Violation = V("a text message that is not UTF-8 (failed before its last fragment)", "RFC 6455 8.1: invalid UTF-8 in a text message fails the connection with 1007", 1007);
                return e;
            }
            if (!f.Fin) continue;
            open = false;
            byte[] message;
            if (compressed)
            {
                if (parts.Any(x => x.Deflate == DeflateKind.Corrupt))
                {
                    e.Violation = V("a compressed message that does not inflate", "RFC 7692 8.2.3 and RFC 6455 7.1.7: a message that cannot be decompressed fails the connection (1007 or 1002)", 1002, 1007);
                    return e;
                }
                if (parts.Count != 1 || parts[0].Deflate != DeflateKind.Valid)
                {
                    e.Undefined = true;
                    e.UndefinedWhy = "a compressed message whose fragments were compressed apart";
                    return e;
                }
                message = parts[0].Plain;
            }
            else message = [.. parts.SelectMany(x => x.Wire)];
            if (!binary && !System.Text.Unicode.Utf8.IsValid(message))
            {
                e.Violation = V("a text message that is not UTF-8", "RFC 6455 8.1: invalid UTF-8 in a text message fails the connection with 1007", 1007);
                return e;
            }
            e.Echoes.Add((binary, message));
        }
        return e;
    }

    /// <summary>Whether the octets are UTF-8 or the start of it (only a sequence cut at the end).</summary>
    private static bool CouldBeUtf8(byte[] prefix)
    {
        var chars = new char[prefix.Length + 1];
        return System.Text.Unicode.Utf8.ToUtf16(prefix, chars, out _, out _, replaceInvalidSequences: false, isFinalBlock: false) != System.Buffers.OperationStatus.InvalidData;
    }
}
