using WebSocketKit;
using WebSocketKit.EchoServer;
using Xunit;
using Xunit.Abstractions;

namespace Autobahn.Engine.Tests;

/// <summary>
/// Our own server (WebSocketKit's Upgrader under the echo server, hosted here on 127.0.0.1) through the whole suite
/// (all but the large compression cases, which `make autobahn` runs): any FAILED case is a bug in impl/.
/// permessage-deflate is on, so no case of chapters 12/13 may be UNIMPLEMENTED.
/// </summary>
public sealed class WebSocketKitServerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Our_server_fails_no_case_of_the_suite()
    {
        await using var server = new EchoServer(0, new Upgrader { EnableCompression = true });
        server.Start();
        var url = new Uri($"ws://127.0.0.1:{server.Port}");
        await PeerVerdicts.AssertPassesAsync("websocketkit", ["*"], deflate: true,
            cases => EngineRuns.AgainstAsync(url, "websocketkit", cases, serverOptions: EngineRuns.LoadTolerant), output, PeerVerdicts.LargeCompressionCases);
    }
}
