using Xunit;
using Xunit.Abstractions;

namespace Autobahn.Engine.Tests;

/// <summary>python3-websockets passes the official suite, as a server and as a client; our engine must not find a FAILED case in it either.</summary>
public sealed class PythonWebsocketsTests(PythonWebsocketsServer python, ITestOutputHelper output) : IClassFixture<PythonWebsocketsServer>
{
    [Fact]
    public Task Python_websockets_server_fails_no_case() =>
        PeerVerdicts.AssertPassesAsync("python-websockets", PeerVerdicts.Sample, deflate: true,
            cases => EngineRuns.AgainstAsync(python.Url, "python-websockets", cases, serverOptions: EngineRuns.LoadTolerant), output);

    [Fact]
    public Task Python_websockets_client_fails_no_case() =>
        PeerVerdicts.AssertPassesAsync("python-websockets-client", PeerVerdicts.Sample, deflate: true,
            cases => PeerClient.DriveAsync(cases, "python-websockets-client", url => Peers.PythonClient("python-websockets", url, "python-websockets-client")), output);
}
