namespace Autobahn.Engine.Tests;

/// <summary>Runs Debian's node-ws as the client under test of a fuzzing server (Data/node-client.js), to completion.</summary>
public static class NodeWsClient
{
    public static Task<string> RunAsync(Uri server, string agent, TimeSpan limit) =>
        PeerClient.RunAsync("node", [Path.Combine(AppContext.BaseDirectory, "Data", "node-client.js"), server.ToString().TrimEnd('/'), agent],
            new() { ["NODE_PATH"] = "/usr/share/nodejs", ["PMD"] = "1" }, limit);
}
