using Xunit;

// The chapter's cases wait on servers with deadlines of a few seconds; one run at a time keeps a small machine's load out of them.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
