using Examples;
using Examples.Chat;

// dotnet run --project examples/gorilla/chat [-- --addr host:port]   (default localhost:8080)
await ChatServer.Build(ExampleApp.Address(ref args)).RunAsync();
