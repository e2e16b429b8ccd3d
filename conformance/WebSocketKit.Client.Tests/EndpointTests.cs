using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using WebSocketKit.AspNetCore;
using WebSocketKit.Protocol;
using Xunit;

namespace WebSocketKit.ClientTests;

/// <summary>
/// A connection knows its addresses and turns Nagle off when its stream is not a bare
/// NetworkStream: under TLS (the socket is found through the SslStream) and under Kestrel (the
/// addresses come from the host's connection info).
/// </summary>
public class EndpointTests
{
    [Fact]
    public async Task Over_an_SslStream_the_connection_has_its_endpoints_and_the_socket_has_NoDelay()
    {
        using var certificate = TestCertificate.Create();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serverSide = Task.Run(async () =>
        {
            var socket = await listener.AcceptSocketAsync(Bounds.Token());
            socket.NoDelay = false; // so that only the Conn can have turned it on
            var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true));
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, Bounds.Token());
            var conn = await new Upgrader().UpgradeAsync(ssl, cancellationToken: Bounds.Token());
            return (conn, socket);
        });
        var dialer = new Dialer { TlsOptions = new() { RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == certificate.GetCertHashString() } };
        var (client, _) = await dialer.DialAsync(new Uri($"wss://127.0.0.1:{port}/"), cancellationToken: Bounds.Token());
        var (server, serverSocket) = await serverSide.WaitAsync(Bounds.Step);
        await using (client)
        await using (server)
        {
            Assert.IsType<SslStream>(server.UnderlyingStream);
            Assert.True(serverSocket.NoDelay);
            var serverLocal = Assert.IsType<IPEndPoint>(server.LocalEndPoint);
            var serverRemote = Assert.IsType<IPEndPoint>(server.RemoteEndPoint);
            var clientLocal = Assert.IsType<IPEndPoint>(client.LocalEndPoint);
            var clientRemote = Assert.IsType<IPEndPoint>(client.RemoteEndPoint);
            Assert.Equal(port, serverLocal.Port);
            Assert.Equal(port, clientRemote.Port);
            Assert.Equal(clientLocal.Port, serverRemote.Port);
        }
    }

    [Fact]
    public async Task Under_Kestrel_the_connection_has_the_hosts_endpoints()
    {
        var seen = new TaskCompletionSource<(EndPoint? Local, EndPoint? Remote)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelHost.StartAsync(app => app.Run(async context =>
        {
            var conn = await new Upgrader().UpgradeAsync(context);
            seen.TrySetResult((conn.LocalEndPoint, conn.RemoteEndPoint));
            await KestrelHost.EchoAsync(conn);
        }));
        var (client, _) = await new Dialer().DialAsync(new Uri($"ws://127.0.0.1:{host.Port}/"), cancellationToken: Bounds.Token());
        await using (client)
        {
            var (local, remote) = await seen.Task.WaitAsync(Bounds.Step);
            Assert.Equal(host.Port, Assert.IsType<IPEndPoint>(local).Port);
            Assert.Equal(((IPEndPoint)client.LocalEndPoint!).Port, Assert.IsType<IPEndPoint>(remote).Port);
            await client.CloseAsync(CloseStatus.NormalClosure, "", Bounds.Token());
        }
    }
}
