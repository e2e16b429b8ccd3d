using Xunit;

// Each test drives a server with many timed connections; running them side by side on a small machine
// would turn the suite's own deadlines (0.5 s, 1 s) into noise.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
