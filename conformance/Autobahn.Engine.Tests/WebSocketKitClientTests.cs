using Xunit;
using Xunit.Abstractions;

namespace Autobahn.Engine.Tests;

/// <summary>
/// Our own client (WebSocketKit's Dialer, offering permessage-deflate) driven through the whole suite by the engine's
/// fuzzing server (all but the large compression cases, which `make autobahn` runs): any FAILED case is a bug in impl/.
/// </summary>
public sealed class WebSocketKitClientTests(ITestOutputHelper output)
{
    [Fact]
    public Task Our_client_fails_no_case_of_the_suite() =>
        PeerVerdicts.AssertPassesAsync("websocketkit-client", ["*"], deflate: true,
            cases => PeerClient.DriveAsync(cases, "websocketkit-client", url => WebSocketKitClient.RunAsync(url, "websocketkit-client", TimeSpan.FromMinutes(3))),
            output, PeerVerdicts.LargeCompressionCases);
}
