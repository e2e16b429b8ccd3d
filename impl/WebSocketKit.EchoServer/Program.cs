using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using WebSocketKit;
using WebSocketKit.EchoServer;

const string Help = """
WebSocketKit echo server: echoes every text and binary message, on any path, on 127.0.0.1.

Usage: WebSocketKit.EchoServer [options]
  --port N            TCP port (default 9002; 0 picks a free one, printed at start)
  --compress          negotiate permessage-deflate (RFC 7692): accept the client's offer (any window,
                      with or without context takeover) and compress replies at level 2
  --read-limit N      largest message in bytes (default 33554432 = 32 MiB); larger ones close with 1009
  --read-buffer N     read buffer bytes per connection (default 4096)
  --write-buffer N    write buffer bytes, pooled while idle (default 4096)
  --hold-read-buffer     keep a read buffer for the connection's life, as gorilla does (default: idle connections hold none)
  --handshake-timeout S  seconds a client has to finish its request (default 10; 0 = none)
  --write-timeout S      seconds every write may take before the connection is closed (default 30; 0 = none)
  --allow-origin P    also accept browser pages from origins matching P (repeatable); without it only
                      same-origin pages (Origin's host:port = Host) and clients sending no Origin are
                      accepted, others get 403. P is any (every origin), or [scheme://]host[:port]:
                      https://example.com, http://localhost:* (any port), *.example.com (any subdomain),
                      a port left out means the scheme's default
  --cert FILE         serve wss:// (TLS) with this certificate: PKCS#12 (.pfx/.p12, no password), or PEM
                      with its private key in the same file or in --key
  --key FILE          the PEM private key for --cert
  --kestrel           serve through ASP.NET Core (Kestrel) and WebSocketKit.AspNetCore instead of the
                      stream Upgrader: HTTP/1.1 Upgrade (RFC 6455) and HTTP/2 extended CONNECT (RFC 8441)
                      on one port; with --cert the client picks h2 or http/1.1 by ALPN, in cleartext it
                      is HTTP/1.1 only (use --h2c). Each WebSocket is logged with its HTTP version
                      ("websocket over HTTP/2 from ..."; Information level)
  --h2c               with --kestrel (implied): HTTP/2 only, cleartext with prior knowledge (h2c), or
                      h2 alone with --cert
  --log-level L       Trace, Debug, Information (default), Warning, Error
  --help              this text
Stops on Ctrl+C.
""";

// Before the first socket: completions run inline, freed zlib contexts are unmapped (see ProcessTuning).
ProcessTuning.Apply();
int port = 9002;
bool compress = false;
bool kestrel = false, h2c = false;
// A peer that stops reading must not hold a connection (and its buffers) forever.
var connection = new ConnectionOptions { WriteTimeout = TimeSpan.FromSeconds(30) };
var upgrader = new Upgrader();
var level = LogLevel.Information;
var origins = new OriginPatterns();
string? certFile = null, keyFile = null;
X509Certificate2? certificate = null;
try
{
    for (int i = 0; i < args.Length; i++)
    {
        string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
        switch (args[i])
        {
            case "--port": port = int.Parse(Next()); break;
            case "--compress": compress = true; break;
            case "--read-limit": connection.ReadLimit = long.Parse(Next()); break;
            case "--read-buffer": connection.ReadBufferSize = int.Parse(Next()); break;
            case "--write-buffer": connection.WriteBufferSize = int.Parse(Next()); break;
            case "--hold-read-buffer": connection.ReleaseReadBufferWhenIdle = false; break;
            case "--handshake-timeout": upgrader.HandshakeTimeout = Seconds(Next()); break;
            case "--write-timeout": connection.WriteTimeout = Seconds(Next()); break;
            case "--log-level": level = Enum.Parse<LogLevel>(Next(), ignoreCase: true); break;
            case "--allow-origin": origins.Add(Next()); break;
            case "--cert": certFile = Next(); break;
            case "--key": keyFile = Next(); break;
            case "--kestrel": kestrel = true; break;
            case "--h2c": kestrel = h2c = true; break;
            case "--help" or "-h": Console.WriteLine(Help); return 0;
            default: throw new ArgumentException($"unknown option {args[i]}");
        }
    }
    // Bad numbers are refused here, with the usage text, rather than on the first connection.
    connection.Validate();
    if (keyFile is not null && certFile is null) throw new ArgumentException("--key needs --cert (the certificate the key belongs to)");
    if (certFile is not null) certificate = Certificates.Load(certFile, keyFile);
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(Help);
    return 2;
}

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(level).AddFilter("Microsoft", LogLevel.Warning));
var logger = loggerFactory.CreateLogger("echo");
connection.Logger = logger;
upgrader.ConnectionOptions = connection;
upgrader.EnableCompression = compress;
// Without --allow-origin the Upgrader's default stays: same-origin only.
if (origins.Count > 0) upgrader.CheckOrigin = origins.Check;

var stopped = new TaskCompletionSource();
// Ctrl+C and SIGTERM both start a graceful shutdown (close 1001 to everyone, 5 s to answer).
void Stop(PosixSignalContext context) { context.Cancel = true; stopped.TrySetResult(); }
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
if (kestrel)
{
    await using var host = new KestrelEchoHost(port, upgrader,
        h2c ? KestrelEchoProtocols.Http2Cleartext : KestrelEchoProtocols.Http1AndHttp2, certificate, loggerFactory);
    await host.StartAsync();
    // The same machine-readable line as the stream server prints.
    Console.WriteLine($"listening 127.0.0.1:{host.Port}");
    await stopped.Task;
    logger.LogInformation("stopping");
    await host.ShutdownAsync(TimeSpan.FromSeconds(5));
}
else
{
    await using var server = new EchoServer(port, upgrader, logger, certificate);
    server.Start();
    // A machine-readable line for scripts and tests that start the server on port 0.
    Console.WriteLine($"listening 127.0.0.1:{server.Port}");
    await stopped.Task;
    logger.LogInformation("stopping");
    await server.ShutdownAsync(TimeSpan.FromSeconds(5));
}
return 0;


static TimeSpan Seconds(string text)
{
    double seconds = double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
    if (!(seconds >= 0)) throw new ArgumentException($"a timeout is a number of seconds, 0 or more (got {text})");
    return TimeSpan.FromSeconds(seconds);
}
