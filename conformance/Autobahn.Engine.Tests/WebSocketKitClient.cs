using System.Text;
using WebSocketKit;

namespace Autobahn.Engine.Tests;

/// <summary>
/// Our own client (WebSocketKit's Dialer, offering permessage-deflate) as the echo client a fuzzing server drives:
/// the case count, every case (each message sent back with its type), then the reports. Control requests use the same Dialer.
/// </summary>
public static class WebSocketKitClient
{
    public static async Task<string> RunAsync(Uri server, string agent, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        var ct = timeout.Token;
        var dialer = new Dialer { EnableCompression = true, HandshakeTimeout = TimeSpan.FromSeconds(10) };
        string escaped = Uri.EscapeDataString(agent);
        int count = int.Parse(await LastTextAsync(dialer, new Uri(server, "/getCaseCount"), ct));
        for (int i = 1; i <= count; i++)
        {
            Conn conn;
            try { (conn, _) = await dialer.DialAsync(new Uri(server, $"/runCase?case={i}&agent={escaped}"), cancellationToken: ct); }
            catch (BadHandshakeException) { continue; } // the fuzzing server records a refused handshake as the case's outcome
            await using (conn) await EchoAsync(conn, ct);
        }
        await LastTextAsync(dialer, new Uri(server, $"/updateReports?agent={escaped}"), ct);
        return $"ran {count} cases";
    }

    /// <summary>
    /// Sends every message back until the connection ends. Whatever ends it (a close, a protocol error the connection
    /// already answered with its close code, a drop) ends the case: the fuzzing server judges what was on the wire.
    /// </summary>
    private static async Task EchoAsync(Conn conn, CancellationToken ct)
    {
        using var buffer = new ArrayPoolBufferWriter();
        try
        {
            while (true)
            {
                var type = await conn.ReadMessageAsync(buffer, ct);
                await conn.WriteMessageAsync(type, buffer.WrittenMemory, ct);
                buffer.Clear();
            }
        }
        catch (Exception e) when (e is CloseException or WebSocketProtocolException or ConnectionClosedException or IOException) { }
    }

    /// <summary>The last text message a control endpoint sends before it closes ("" when none).</summary>
    private static async Task<string> LastTextAsync(Dialer dialer, Uri uri, CancellationToken ct)
    {
        var (conn, _) = await dialer.DialAsync(uri, cancellationToken: ct);
        await using (conn)
        {
            string text = "";
            try
            {
                while (true) text = Encoding.UTF8.GetString((await conn.ReadMessageAsync(ct)).Data);
            }
            catch (CloseException) { return text; }
        }
    }
}
