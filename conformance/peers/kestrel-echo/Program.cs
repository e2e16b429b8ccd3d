using KestrelEcho;

// The reference echo server for the conformance engine, over HTTP/1.1 (h1), HTTP/2 in cleartext with prior knowledge
// (h2c) or HTTP/2 over TLS with ALPN and a self-signed certificate (h2).
//   kestrel-echo [--port N] [--transport h1|h2c|h2] [--compress]
// Prints "listening 127.0.0.1:PORT" once it accepts connections.
var options = new EchoOptions();
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--port" when i + 1 < args.Length: options = options with { Port = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture) }; break;
        case "--transport" when i + 1 < args.Length: options = options with { Transport = args[++i] }; break;
        case "--compress": options = options with { Compress = true }; break;
        default:
            Console.Error.WriteLine($"kestrel-echo: unknown argument {args[i]}; usage: kestrel-echo [--port N] [--transport h1|h2c|h2] [--compress]");
            return 2;
    }
}
if (options.Transport is not ("h1" or "h2c" or "h2")) { Console.Error.WriteLine("kestrel-echo: --transport is h1, h2c or h2"); return 2; }
await using var app = await EchoApp.StartAsync(options);
Console.WriteLine($"listening 127.0.0.1:{app.Port}");
await app.WaitForShutdownAsync();
return 0;
