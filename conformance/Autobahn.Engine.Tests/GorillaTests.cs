using Xunit;
using Xunit.Abstractions;

namespace Autobahn.Engine.Tests;

/// <summary>gorilla/websocket passes the official suite, as a server and as a client; our engine must not find a FAILED case in it either.</summary>
public sealed class GorillaTests(GorillaServer gorilla, ITestOutputHelper output) : IClassFixture<GorillaServer>
{
    [Fact]
    public Task Gorilla_server_fails_no_case() =>
        PeerVerdicts.AssertPassesAsync("gorilla", PeerVerdicts.Sample, deflate: true,
            cases => EngineRuns.AgainstAsync(gorilla.Url, "gorilla", cases, serverOptions: EngineRuns.LoadTolerant), output);

    /// <summary>
    /// Without permessage-deflate: gorilla's client insists on client_no_context_takeover in the answer to its offer,
    /// which the suite's server (ours and the official one) leaves out, so with compression on it would not connect at all.
    /// </summary>
    [Fact]
    public Task Gorilla_client_fails_no_case() =>
        PeerVerdicts.AssertPassesAsync("gorilla-client", PeerVerdicts.Sample, deflate: false,
            cases => PeerClient.DriveAsync(cases, "gorilla-client", url => PeerClient.RunAsync(Peers.Gorilla,
                ["client", url.ToString().TrimEnd('/'), "gorilla-client"], new() { ["PMD"] = "0" }, Peers.ClientLimit)), output);
}
