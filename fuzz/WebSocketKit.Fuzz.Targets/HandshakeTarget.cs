using System.Security.Cryptography;
using System.Text;
using WebSocketKit.Protocol.Compression;
using WebSocketKit.Protocol.Handshake;
using static WebSocketKit.Fuzz.Targets.FuzzFindingException;

namespace WebSocketKit.Fuzz.Targets;

/// <summary>
/// The opening handshake without I/O. Input: a mode byte (bit 0: request or response; bits 1-2: the
/// parse limits; bit 3: whether the client offered extensions), an options byte (the
/// permessage-deflate options, see <see cref="Options"/>), a <see cref="ChunkSchedule"/> giving the
/// points where the bytes received so far are parsed again, then the HTTP head.
/// <see cref="HttpHeadParser"/> must give the same verdict on every prefix as on the whole (a
/// verdict, once reached, never changes), and a parsed head must survive being written out and
/// parsed again. A request goes through <see cref="ServerHandshake"/> and, when accepted, the 101 it
/// builds must pass <see cref="ClientHandshake.ValidateResponse"/> with the same negotiation
/// (<see cref="PerMessageDeflateNegotiation.TryAcceptOffer"/> then
/// <see cref="PerMessageDeflateNegotiation.TryAcceptResponse"/>). A response goes through
/// <see cref="ClientHandshake.ValidateResponse"/> and the extension check against our offer.
/// </summary>
public sealed class HandshakeTarget : IFuzzTarget
{
    /// <summary>The key the client sent, for responses (the RFC 6455 section 1.3 example).</summary>
    public const string ClientKey = "dGhlIHNhbXBsZSBub25jZQ==";

    private static readonly string[] Subprotocols = ["chat", "superchat"];

    private static readonly HttpParseLimits[] Limits =
        [HttpParseLimits.Default, new(64, 4, 128), new(16, 1, 32), new(1024, 16, 256)];

    // Parsing again from the start at every split point costs the length each time: a bound keeps
    // one execution linear in practice.
    private const int MaxReparses = 64;

    public string Name => "handshake";

    public IEnumerable<FuzzSeed> Seeds() => HandshakeSeeds.All();

    /// <summary>
    /// The permessage-deflate options from one byte: bit 0 server takeover allowed, bit 1 client
    /// takeover allowed, bits 2-4 server window 8 + n, bits 5-7 client window 8 + n.
    /// </summary>
    public static PerMessageDeflateOptions Options(byte b) => new()
    {
        AllowServerContextTakeover = (b & 1) != 0,
        AllowClientContextTakeover = (b & 2) != 0,
        ServerMaxWindowBits = 8 + ((b >> 2) & 7),
        ClientMaxWindowBits = 8 + (b >> 5),
    };

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.Length < 2) return;
        bool request = (input[0] & 1) == 0;
        var limits = Limits[(input[0] >> 1) & 3];
        bool extensionsOffered = (input[0] & 8) != 0;
        var options = Options(input[1]);
        input = input[2..];
        var schedule = ChunkSchedule.Read(ref input);
        var head = input;

        NegotiateWithOurselves(options);
        var verdict = Parse(head, request, limits);
        CheckPrefixes(head, request, limits, ref schedule, verdict);
        if (verdict.Status != HttpParseStatus.Complete) return;
        CheckHead(head, verdict, limits);
        CheckRoundTrip(verdict, request, limits);
        foreach (var (_, value) in verdict.Headers) CheckExtensionParse(value);
        if (verdict.Request is { } r) Serve(r, options);
        else Answer(verdict.Response!, options, extensionsOffered);
    }

    private readonly record struct Verdict(HttpParseStatus Status, int Consumed, HttpParseError Error, HttpRequestHead? Request, HttpResponseHead? Response)
    {
        public HttpHeaderList Headers => Request?.Headers ?? Response!.Headers;
    }

    private static Verdict Parse(ReadOnlySpan<byte> data, bool request, HttpParseLimits limits)
    {
        if (request)
        {
            var s = HttpHeadParser.ParseRequest(data, limits, out var head, out int consumed, out var error);
            return new(s, consumed, error, head, null);
        }
        else
        {
            var s = HttpHeadParser.ParseResponse(data, limits, out var head, out int consumed, out var error);
            return new(s, consumed, error, null, head);
        }
    }

    // The bytes received so far, parsed again at each split point: Incomplete until the verdict, and
    // a verdict reached on a prefix is the verdict on the whole.
    private static void CheckPrefixes(ReadOnlySpan<byte> data, bool request, HttpParseLimits limits, ref ChunkSchedule schedule, Verdict whole)
    {
        int end = 0;
        for (int i = 0; i < MaxReparses && end < data.Length; i++)
        {
            end += schedule.Next(data.Length - end);
            var v = Parse(data[..end], request, limits);
            Check(Enum.IsDefined(v.Status) && Enum.IsDefined(v.Error), $"undefined status {v.Status} or error {v.Error}");
            Check((v.Status == HttpParseStatus.Invalid) == (v.Error != HttpParseError.None), $"{v.Status} with error {v.Error}");
            Check(v.Status != HttpParseStatus.Complete || v.Consumed <= end, "a head never consumes more than it was given");
            if (v.Status == HttpParseStatus.Incomplete)
            {
                Check(v.Consumed == 0 && v.Request is null && v.Response is null, "Incomplete consumes nothing and returns no head");
                continue;
            }
            Check(v.Status == whole.Status && v.Error == whole.Error && v.Consumed == whole.Consumed,
                $"the first {end} bytes give {v.Status}/{v.Error}/{v.Consumed}, all {data.Length} give {whole.Status}/{whole.Error}/{whole.Consumed}");
            if (v.Status == HttpParseStatus.Complete) CheckSameHead(v, whole, "a prefix and the whole input");
            return;
        }
    }

    private static void CheckHead(ReadOnlySpan<byte> data, Verdict v, HttpParseLimits limits)
    {
        Check(v.Consumed >= 4 && v.Consumed <= data.Length && data[..v.Consumed].EndsWith("\r\n\r\n"u8), "a complete head ends with an empty line");
        Check(v.Consumed <= limits.MaxHeadBytes, $"a {v.Consumed}-byte head under limits of {limits.MaxHeadBytes}");
        Check(v.Headers.Count <= limits.MaxHeaderCount, $"{v.Headers.Count} fields under a limit of {limits.MaxHeaderCount}");
        foreach (var (name, value) in v.Headers)
        {
            Check(HttpHeadParser.IsToken(name.AsSpan()), $"field name '{name}' is a token");
            Check(!value.Any(c => c > 0xFF || (c < 0x20 && c != '\t') || c == 0x7F), $"field value of {name} holds no control character");
            Check(value.Length == 0 || (value[0] is not (' ' or '\t') && value[^1] is not (' ' or '\t')), $"field value of {name} is trimmed");
        }
    }

    // Written out again in canonical form, the head parses to the same thing.
    private static void CheckRoundTrip(Verdict v, bool request, HttpParseLimits limits)
    {
        var text = new StringBuilder();
        if (v.Request is { } r) text.Append($"{r.Method} {r.Target} HTTP/1.{r.VersionMinor}\r\n");
        else
        {
            var s = v.Response!;
            text.Append($"HTTP/1.{s.VersionMinor} {s.StatusCode:D3}");
            if (s.ReasonPhrase.Length > 0) text.Append(' ').Append(s.ReasonPhrase);
            text.Append("\r\n");
        }
        foreach (var (name, value) in v.Headers) text.Append(name).Append(": ").Append(value).Append("\r\n");
        text.Append("\r\n");
        var bytes = Encoding.Latin1.GetBytes(text.ToString());
        var again = Parse(bytes, request, new HttpParseLimits(limits.MaxStartLineBytes, limits.MaxHeaderCount, int.MaxValue / 4));
        Check(again.Status == HttpParseStatus.Complete && again.Consumed == bytes.Length, $"the head written out again parses as {again.Status}/{again.Error}");
        CheckSameHead(again, v, "the head and its canonical form");
    }

    private static void CheckSameHead(Verdict a, Verdict b, string what)
    {
        if (a.Request is { } ra)
        {
            var rb = b.Request!;
            Check(ra.Method == rb.Method && ra.Target == rb.Target && ra.VersionMinor == rb.VersionMinor, $"{what} differ in the request line");
        }
        else
        {
            var (sa, sb) = (a.Response!, b.Response!);
            Check(sa.StatusCode == sb.StatusCode && sa.ReasonPhrase == sb.ReasonPhrase && sa.VersionMinor == sb.VersionMinor, $"{what} differ in the status line");
        }
        Check(a.Headers.SequenceEqual(b.Headers), $"{what} differ in the fields");
    }

    private static void CheckExtensionParse(string value)
    {
        foreach (var element in ExtensionHeader.Parse(value))
        {
            if (element.Malformed) continue;
            Check(ExtensionHeader.IsToken(element.Name), $"extension name '{element.Name}' is a token");
            foreach (var (name, _) in element.Parameters)
                Check(ExtensionHeader.IsToken(name), $"extension parameter '{name}' is a token");
        }
    }

    // The server side on a parsed request; an accepted one must satisfy our own client.
    private static void Serve(HttpRequestHead request, PerMessageDeflateOptions options)
    {
        var verdict = ServerHandshake.Validate(request);
        Check(verdict.Status is 101 or 400 or 405 or 426, $"the handshake answers {verdict.Status}");
        ServerHandshake.SameOrigin(request);
        if (!verdict.Accepted)
        {
            Check(verdict.Key is null, "a refusal carries no key");
            var refusal = ServerHandshake.BuildRefusal(verdict);
            var parsed = Parse(refusal, request: false, HttpParseLimits.Default);
            Check(parsed.Status == HttpParseStatus.Complete && parsed.Response!.StatusCode == verdict.Status, $"the {verdict.Status} refusal parses back");
            Check(!ClientHandshake.ValidateResponse(parsed.Response!, ClientKey).Accepted, "a client refuses a refusal");
            return;
        }
        Check(request.Method == "GET" && request.VersionMinor >= 1 && WebSocketKey.IsValid(verdict.Key), "only a GET over HTTP/1.1 with a valid key is accepted");
        var offered = request.Headers.Tokens("Sec-WebSocket-Protocol").ToList();
        var subprotocol = ServerHandshake.SelectSubprotocol(request, Subprotocols);
        Check(subprotocol is null || offered.Contains(subprotocol), $"subprotocol '{subprotocol}' was offered");
        var offers = request.Headers.Where(f => string.Equals(f.Key, "Sec-WebSocket-Extensions", StringComparison.OrdinalIgnoreCase)).Select(f => f.Value).ToList();
        bool deflate = PerMessageDeflateNegotiation.TryAcceptOffer(offers, options, out var agreed, out var extensions);
        Check(deflate == (agreed is not null) && deflate == (extensions is not null), "an accepted offer comes with parameters and a response value");
        if (agreed is not null) CheckAgreed(agreed, options);

        var accept = ServerHandshake.BuildAccept(verdict.Key!, subprotocol, extensions);
        var response = Parse(accept, request: false, HttpParseLimits.Default);
        Check(response.Status == HttpParseStatus.Complete && response.Consumed == accept.Length, $"our 101 parses as {response.Status}/{response.Error}");
        var client = ClientHandshake.ValidateResponse(response.Response!, verdict.Key!, offered, extensionsOffered: offers.Count > 0);
        Check(client.Accepted, $"our client refuses our server's 101: {client.Error}");
        Check(client.Subprotocol == subprotocol && client.Extensions == extensions, "the client reads back the subprotocol and extensions the server chose");
        if (extensions is null) return;
        var error = PerMessageDeflateNegotiation.TryAcceptResponse([extensions], new PerMessageDeflateOptions(), out var clientSide);
        Check(error == ExtensionNegotiationError.None && clientSide == agreed, $"the client reads '{extensions}' as {error} / {clientSide}, the server agreed {agreed}");
    }

    // The client side on a parsed response to our request (key ClientKey, subprotocols chat/superchat).
    private static void Answer(HttpResponseHead response, PerMessageDeflateOptions options, bool extensionsOffered)
    {
        var verdict = ClientHandshake.ValidateResponse(response, ClientKey, Subprotocols, extensionsOffered);
        if (!verdict.Accepted) return;
        Check(response.StatusCode == 101, "only a 101 completes the handshake");
        Check(response.Headers.CountOf("Sec-WebSocket-Accept") == 1 && response.Headers.Get("Sec-WebSocket-Accept")!.Trim() == ExpectedAccept(), "the accept value is the one RFC 6455 derives from our key");
        Check(verdict.Subprotocol is null || Subprotocols.Contains(verdict.Subprotocol), $"subprotocol '{verdict.Subprotocol}' was offered");
        Check(verdict.Extensions is null || extensionsOffered, "extensions only when offered");
        if (verdict.Extensions is null) return;
        var error = PerMessageDeflateNegotiation.TryAcceptResponse([verdict.Extensions], options, out var agreed);
        Check(Enum.IsDefined(error), $"undefined negotiation error {error}");
        Check((agreed is not null) == (error == ExtensionNegotiationError.None && ExtensionHeader.Parse(verdict.Extensions).Count > 0),
            $"parameters come exactly with an accepted response ({error})");
        if (agreed is null) return;
        CheckAgreed(agreed, options);
    }

    // Whatever was agreed stays within what these options allow.
    private static void CheckAgreed(PerMessageDeflateParameters p, PerMessageDeflateOptions o)
    {
        Check(p.ServerMaxWindowBits is >= 8 and <= 15 && p.ClientMaxWindowBits is >= 8 and <= 15, $"windows {p.ServerMaxWindowBits}/{p.ClientMaxWindowBits} within 8..15");
        Check(p.ServerMaxWindowBits <= o.ServerMaxWindowBits || o.ServerMaxWindowBits == 15, $"server window {p.ServerMaxWindowBits} within {o.ServerMaxWindowBits}");
        Check(p.ClientMaxWindowBits <= o.ClientMaxWindowBits, $"client window {p.ClientMaxWindowBits} within {o.ClientMaxWindowBits}");
        Check(o.AllowServerContextTakeover || p.ServerNoContextTakeover, "server_no_context_takeover when the server's takeover is not allowed");
        Check(o.AllowClientContextTakeover || p.ClientNoContextTakeover, "client_no_context_takeover when the client's takeover is not allowed");
    }

    // Our own offer, made and answered with the same options, is accepted both ways alike.
    private static void NegotiateWithOurselves(PerMessageDeflateOptions options)
    {
        var offer = PerMessageDeflateNegotiation.CreateOffer(options);
        Check(PerMessageDeflateNegotiation.TryAcceptOffer([offer], options, out var server, out var response), $"our server declines our offer '{offer}'");
        var error = PerMessageDeflateNegotiation.TryAcceptResponse([response!], options, out var client);
        Check(error == ExtensionNegotiationError.None && client == server, $"our client reads our answer '{response}' to '{offer}' as {error}");
    }

    private static string ExpectedAccept()
        => Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(ClientKey + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
}
