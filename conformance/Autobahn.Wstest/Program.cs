using Autobahn.Engine.Modes;

// The official wstest command line (see WstestCommand), for the modes this engine has:
//   wstest -m fuzzingclient -s fuzzingclient.json      wstest -m fuzzingclient -w ws://127.0.0.1:9001
//   wstest -m fuzzingserver -s fuzzingserver.json -u 0
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
// `docker stop` sends SIGTERM: stop the same way as Ctrl-C, so fuzzingserver still writes its reports.
using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; cts.Cancel(); });
return await WstestCommand.RunAsync(args, Console.Out, Console.Error, cts.Token);
