using Autobahn.Runner.Reports;

namespace Autobahn.Runner.Tests;

/// <summary>
/// Data/broken-servers: our engine's wstest run against Data/broken-servers/server.py (three agents, one fault each);
/// index.json of the whole run and a few case files.
/// </summary>
internal static class BrokenServers
{
    public static readonly string Dir = TestData.Dir("broken-servers");

    public static AgentReport Agent(string name) => SuiteIndex.Load(Dir)[name];

    public static AgentRun Run(string name) => new(Agent(name), "servers", "builtin", "default", "ws://127.0.0.1:9311/" + name["broken-".Length..]);
}
