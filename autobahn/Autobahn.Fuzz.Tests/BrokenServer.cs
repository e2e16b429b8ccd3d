using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Autobahn.Fuzz.Tests;

public enum Flaw
{
    /// <summary>Stops answering (without closing) when a ping arrives inside a fragmented text message.</summary>
    HangOnPingInsideFragmentedText,
    /// <summary>Echoes a text message whose octets are not UTF-8 instead of failing with 1007.</summary>
    EchoesInvalidUtf8,
    /// <summary>Accepts the opening handshake, then never reads again (nor closes), so a client's sends fill the socket buffers and stall.</summary>
    StopsReadingAfterHandshake,
    /// <summary>Fails every protocol error with the right close code, but only after <see cref="BrokenServer.SlowFailure"/>.</summary>
    FailsSlowly,
}

/// <summary>
/// A deliberately broken echo server over raw sockets (its own few lines of framing, nothing from impl/ or the engine):
/// correct in everything but its one flaw, so the fuzzer has exactly one thing to find. No extensions are accepted.
/// </summary>
public sealed partial class BrokenServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Flaw _flaw;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public BrokenServer(Flaw flaw)
    {
        _flaw = flaw;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>How long <see cref="Flaw.FailsSlowly"/> waits before its close.</summary>
    public static readonly TimeSpan SlowFailure = TimeSpan.FromSeconds(0.8);

    public Uri Url => new($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                _ = Task.Run(() => ServeAsync(socket));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
    }

    [GeneratedRegex(@"^sec-websocket-key:\s*(\S+)\s*$", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex KeyLine();

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        using var stream = new NetworkStream(socket);
        var input = new List<byte>();
        var buffer = new byte[8192];
        try
        {
            int end;
            while ((end = IndexOf(input, "\r\n\r\n"u8.ToArray())) < 0)
            {
                int n = await stream.ReadAsync(buffer, _stop.Token);
                if (n == 0) return;
                input.AddRange(buffer.AsSpan(0, n));
            }
            var head = Encoding.Latin1.GetString([.. input.Take(end)]);
            input.RemoveRange(0, end + 4);
            var key = KeyLine().Match(head.Replace("\r\n", "\n"));
            if (!Acceptable(head) || !key.Success || Convert.TryFromBase64String(key.Groups[1].Value, new byte[32], out int keyLength) is false || keyLength != 16)
            {
                await stream.WriteAsync("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), _stop.Token);
                return;
            }
            var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key.Groups[1].Value + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"), _stop.Token);
            if (_flaw == Flaw.StopsReadingAfterHandshake) await Task.Delay(Timeout.Infinite, _stop.Token);

            var message = new List<byte>();
            int messageOpcode = 0;
            while (true)
            {
                // One frame: header, extended length, key, payload.
                (bool Fin, int Rsv, int Opcode, bool Masked, byte[] Payload, bool BadLength) frame;
                while (!TryFrame(input, out frame))
                {
                    int n = await stream.ReadAsync(buffer, _stop.Token);
                    if (n == 0) return;
                    input.AddRange(buffer.AsSpan(0, n));
                }
                var (fin, rsv, opcode, masked, payload, badLength) = frame;
                async Task Fail(int code)
                {
                    if (_flaw == Flaw.FailsSlowly) await Task.Delay(SlowFailure, _stop.Token);
                    await Send(stream, 8, [(byte)(code >> 8), (byte)code]);
                }
                if (!masked || rsv != 0 || badLength || opcode is (>= 3 and <= 7) or > 10 || (opcode >= 8 && (!fin || payload.Length > 125))
                    || (opcode == 0 && messageOpcode == 0) || (opcode is 1 or 2 && messageOpcode != 0))
                {
                    await Fail(1002);
                    return;
                }
                if (opcode == 9)
                {
                    if (_flaw == Flaw.HangOnPingInsideFragmentedText && messageOpcode == 1)
                    {
                        await Task.Delay(Timeout.Infinite, _stop.Token);
                    }
                    await Send(stream, 10, payload);
                    continue;
                }
                if (opcode == 10) continue;
                if (opcode == 8)
                {
                    if (payload.Length == 1) { await Fail(1002); return; }
                    if (payload.Length >= 2)
                    {
                        int code = BinaryPrimitives.ReadUInt16BigEndian(payload);
                        bool valid = code is (>= 1000 and <= 1003) or (>= 1007 and <= 1011) or (>= 3000 and <= 4999);
                        if (!valid) { await Fail(1002); return; }
                        if (!Utf8.IsValid(payload.AsSpan(2))) { await Fail(1007); return; }
                    }
                    await Send(stream, 8, payload.Length >= 2 ? payload[..2] : []);
                    return;
                }
                if (opcode != 0) { messageOpcode = opcode; message.Clear(); }
                message.AddRange(payload);
                if (!fin) continue;
                byte[] whole = [.. message];
                int kind = messageOpcode;
                messageOpcode = 0;
                if (kind == 1 && _flaw != Flaw.EchoesInvalidUtf8 && !Utf8.IsValid(whole)) { await Fail(1007); return; }
                await Send(stream, kind, whole);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException) { }
    }

    /// <summary>RFC 6455 4.2.1, the plain way: GET over HTTP/1.1, a Host, the upgrade tokens, version 13.</summary>
    private static bool Acceptable(string head)
    {
        var lines = head.Split("\r\n");
        if (!lines[0].StartsWith("GET ", StringComparison.Ordinal) || !lines[0].EndsWith(" HTTP/1.1", StringComparison.Ordinal)) return false;
        var headers = lines.Skip(1).Where(l => l.Contains(':')).Select(l => (Name: l[..l.IndexOf(':')], Value: l[(l.IndexOf(':') + 1)..].Trim())).ToList();
        bool Has(string name, string token) => headers.Any(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)
            && h.Value.Split(',').Any(v => v.Trim().Equals(token, StringComparison.OrdinalIgnoreCase)));
        return headers.Any(h => h.Name.Equals("Host", StringComparison.OrdinalIgnoreCase)) && Has("Upgrade", "websocket") && Has("Connection", "upgrade")
            && headers.Count(h => h.Name.Equals("Sec-WebSocket-Version", StringComparison.OrdinalIgnoreCase)) == 1 && Has("Sec-WebSocket-Version", "13");
    }

    private static class Utf8
    {
        public static bool IsValid(ReadOnlySpan<byte> b) => System.Text.Unicode.Utf8.IsValid(b);
    }

    private static bool TryFrame(List<byte> input, out (bool Fin, int Rsv, int Opcode, bool Masked, byte[] Payload, bool BadLength) frame)
    {
        frame = default;
        if (input.Count < 2) return false;
        int b0 = input[0], b1 = input[1];
        ulong len = (ulong)(b1 & 0x7F);
        int at = 2;
        if (len == 126) { if (input.Count < 4) return false; len = (ulong)(input[2] << 8 | input[3]); at = 4; }
        else if (len == 127)
        {
            if (input.Count < 10) return false;
            len = 0;
            for (int i = 2; i < 10; i++) len = len << 8 | input[i];
            at = 10;
        }
        bool bad = len >= 1UL << 63;
        if (bad) { frame = ((b0 & 0x80) != 0, 0, b0 & 0x0F, true, [], true); return true; }
        bool masked = (b1 & 0x80) != 0;
        int need = at + (masked ? 4 : 0) + (int)len;
        if (input.Count < need) return false;
        var payload = input.GetRange(at + (masked ? 4 : 0), (int)len).ToArray();
        if (masked) for (int i = 0; i < payload.Length; i++) payload[i] ^= input[at + (i & 3)];
        input.RemoveRange(0, need);
        frame = ((b0 & 0x80) != 0, (b0 >> 4) & 7, b0 & 0x0F, masked, payload, false);
        return true;
    }

    private static async Task Send(NetworkStream stream, int opcode, byte[] payload)
    {
        var header = payload.Length <= 125 ? [(byte)(0x80 | opcode), (byte)payload.Length]
            : payload.Length <= 0xFFFF ? new byte[] { (byte)(0x80 | opcode), 126, (byte)(payload.Length >> 8), (byte)payload.Length }
            : [(byte)(0x80 | opcode), 127, 0, 0, 0, 0, (byte)(payload.Length >> 24), (byte)(payload.Length >> 16), (byte)(payload.Length >> 8), (byte)payload.Length];
        await stream.WriteAsync((byte[])[.. header, .. payload]);
    }

    private static int IndexOf(List<byte> data, byte[] pattern)
    {
        for (int i = 0; i + pattern.Length <= data.Count; i++)
        {
            int k = 0;
            while (k < pattern.Length && data[i + k] == pattern[k]) k++;
            if (k == pattern.Length) return i;
        }
        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
    }
}
