using Examples;
using Examples.Command;

// dotnet run --project examples/gorilla/command -- [--addr host:port] COMMAND [ARGUMENTS...]
// e.g. dotnet run --project examples/gorilla/command -- sh     (default address localhost:8080)
string addr = ExampleApp.Address(ref args);
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: [--addr host:port] COMMAND [ARGUMENTS...]");
    return 2;
}
await CommandServer.Build(addr, args[0], args[1..]).RunAsync();
return 0;
