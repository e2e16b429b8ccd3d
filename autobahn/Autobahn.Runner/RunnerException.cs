namespace Autobahn.Runner;

/// <summary>A failure the user can act on; its message says what is missing and what to do. Exit code 2.</summary>
public sealed class RunnerException(string message, Exception? inner = null) : Exception(message, inner);
