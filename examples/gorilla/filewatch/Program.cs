using Examples;
using Examples.FileWatch;

// dotnet run --project examples/gorilla/filewatch -- [--addr host:port] FILE   (default address localhost:8080)
string addr = ExampleApp.Address(ref args);
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: [--addr host:port] FILE");
    return 2;
}
await FileWatchServer.Build(addr, Path.GetFullPath(args[0])).RunAsync();
return 0;
