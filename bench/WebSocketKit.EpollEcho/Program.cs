using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using WebSocketKit.EpollEcho;

// An experiment for issue 18, not a product: WebSocketKit's Sans-IO core (the handshake parser and checks,
// MessageReceiver, MessageSender) driven by a hand-written epoll loop on one thread, to measure what a socket
// engine of our own would save against .NET's (SocketAsyncContext's per-operation bookkeeping and the
// awaits around each receive and send). It echoes text and binary messages, answers pings and closes, and
// nothing more: no compression, no timeouts, no TLS. Usage: WebSocketKit.EpollEcho [--port N]
if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
{
    Console.Error.WriteLine("epoll-echo: Linux on x86-64 only (the packed epoll_event layout)");
    return 2;
}
int port = args.Length == 2 && args[0] == "--port" ? int.Parse(args[1]) : 0;
using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
listener.Listen(4096);
listener.Blocking = false;
Console.WriteLine($"epoll echo listening on 127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}");
new EpollLoop((int)listener.Handle).Run();
return 0;
