using System.Globalization;
using System.Text.RegularExpressions;
using Autobahn.Engine.Transport;
using Microsoft.Extensions.Logging;

namespace Autobahn.Runner;

/// <summary>
/// Our standalone echo server (impl/WebSocketKit.EchoServer) as the server under test: started as a child process
/// on a free loopback port (it prints "listening 127.0.0.1:PORT" once it accepts), stopped when disposed. Over
/// HTTP/2 it serves through Kestrel (--h2c): cleartext with prior knowledge for h2c, and for h2 TLS with a
/// certificate made for this run (the engine is told to accept it).
/// </summary>
public sealed partial class OurEchoServer : IAsyncDisposable
{
    public const string Project = "impl/WebSocketKit.EchoServer";
    public const string DefaultAgent = "websocketkit-server";

    private readonly LocalProcess _process;
    private readonly string? _certificateFile;

    private OurEchoServer(LocalProcess process, int port, bool compression, bool tls, string? certificateFile)
    {
        _process = process;
        _certificateFile = certificateFile;
        Url = $"{(tls ? "wss" : "ws")}://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/";
        Compression = compression;
    }

    public string Url { get; }

    public bool Compression { get; }

    /// <summary>The server's .dll if it has been built, else null; the caller says what is missing.</summary>
    public static string? Locate(string? explicitCommand) =>
        explicitCommand is not null
            ? (File.Exists(explicitCommand) ? Path.GetFullPath(explicitCommand) : null)
            : RepoBuild.Output(Project, "WebSocketKit.EchoServer.dll");

    public static async Task<OurEchoServer> StartAsync(string command, bool compression, string transport, ILogger log, TimeSpan timeout, CancellationToken ct)
    {
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool tls = transport == WebSocketTransports.H2;
        string? certificateFile = tls ? WriteCertificate() : null;
        string[] args = ["--port", "0", "--log-level", "Warning", .. compression ? ["--compress"] : Array.Empty<string>(),
            .. WebSocketTransports.IsHttp2(transport) ? ["--h2c"] : Array.Empty<string>(),
            .. certificateFile is not null ? ["--cert", certificateFile] : Array.Empty<string>()];
        var process = LocalProcess.Start(command, args, line =>
        {
            if (Listening().Match(line) is { Success: true } m) listening.TrySetResult(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            else log.LogDebug("echo server: {Line}", line);
        });
        try
        {
            var port = await Task.WhenAny(listening.Task, process.Exited).WaitAsync(timeout, ct).ConfigureAwait(false) == listening.Task
                ? await listening.Task.ConfigureAwait(false)
                : throw new RunnerException($"our echo server ({command}) exited with code {await process.Exited.ConfigureAwait(false)} before listening; run with --verbose to see its output");
            var server = new OurEchoServer(process, port, compression, tls, certificateFile);
            log.LogInformation("our echo server listens at {Url} over {Transport} (permessage-deflate {State})", server.Url, transport, compression ? "on" : "off");
            return server;
        }
        catch (TimeoutException)
        {
            await process.DisposeAsync().ConfigureAwait(false);
            DeleteCertificate(certificateFile);
            throw new RunnerException($"our echo server ({command}) did not report its port within {timeout.TotalSeconds:0}s");
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            DeleteCertificate(certificateFile);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync().ConfigureAwait(false);
        DeleteCertificate(_certificateFile);
    }

    // The server reads its certificate from a file: a PKCS #12 file without a password, readable by this user only.
    private static string WriteCertificate()
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("wsconform-cert-").FullName, "echo-server.pfx");
        using var certificate = SelfSignedCertificate.ForLoopback();
        File.WriteAllBytes(file, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return file;
    }

    private static void DeleteCertificate(string? file)
    {
        if (file is not null) Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
    }

    [GeneratedRegex(@"^listening 127\.0\.0\.1:(\d+)$")]
    private static partial Regex Listening();
}
