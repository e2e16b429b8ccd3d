// The runner's command line is being written; until then it refuses to run rather than pretend.
Console.Error.WriteLine("Autobahn.Runner: the Docker runner is not written yet (issue 7).");
return 2;
