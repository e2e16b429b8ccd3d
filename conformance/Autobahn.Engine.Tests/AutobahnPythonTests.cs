using Xunit;
using Xunit.Abstractions;

namespace Autobahn.Engine.Tests;

/// <summary>autobahn-python passes the official suite, as a server and as a client; our engine must not find a FAILED case in it either.</summary>
public sealed class AutobahnPythonTests(AutobahnPythonServer autobahn, ITestOutputHelper output) : IClassFixture<AutobahnPythonServer>
{
    [Fact]
    public Task Autobahn_python_server_fails_no_case() =>
        PeerVerdicts.AssertPassesAsync("autobahn-python", PeerVerdicts.Sample, deflate: true,
            cases => EngineRuns.AgainstAsync(autobahn.Url, "autobahn-python", cases, serverOptions: EngineRuns.LoadTolerant), output);

    [Fact]
    public Task Autobahn_python_client_fails_no_case() =>
        PeerVerdicts.AssertPassesAsync("autobahn-python-client", PeerVerdicts.Sample, deflate: true,
            cases => PeerClient.DriveAsync(cases, "autobahn-python-client", url => Peers.PythonClient("autobahn-python", url, "autobahn-python-client")), output);
}
