using Examples;
using Examples.Echo;

// dotnet run --project examples/gorilla/echo                     the server and its page
// dotnet run --project examples/gorilla/echo -- client           the command-line client
// Both take --addr host:port (default localhost:8080) after the mode.
bool client = args is ["client", ..];
if (client) args = args[1..];
string addr = ExampleApp.Address(ref args);

if (client)
{
    using var stop = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    await EchoClient.RunAsync(new Uri($"ws://{addr}/echo"), Console.Out, TimeSpan.FromSeconds(1), stop.Token);
}
else
{
    await EchoServer.Build(addr).RunAsync();
}
