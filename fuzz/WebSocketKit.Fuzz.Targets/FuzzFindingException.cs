namespace WebSocketKit.Fuzz.Targets;

/// <summary>A target saw the library break one of its invariants: always a finding.</summary>
public sealed class FuzzFindingException(string message) : Exception(message)
{
    /// <summary>Throws when <paramref name="condition"/> is false.</summary>
    public static void Check(bool condition, string invariant)
    {
        if (!condition) throw new FuzzFindingException(invariant);
    }
}
