namespace Autobahn.Runner.Reports;

/// <summary>The suite's verdict on what the peer did with the case's messages ("behavior").</summary>
public enum Behavior { Ok, NonStrict, Informational, Unimplemented, Failed }

/// <summary>The suite's separate verdict on how the connection ended ("behaviorClose").</summary>
public enum CloseBehavior { Ok, Failed, Unclean, WrongCode, FailedByClient, Informational }

/// <summary>Maps the verdict words the suite writes into index.json to the enums and back.</summary>
public static class VerdictNames
{
    public static readonly IReadOnlyList<Behavior> AllBehaviors = Enum.GetValues<Behavior>();
    public static readonly IReadOnlyList<CloseBehavior> AllCloseBehaviors = Enum.GetValues<CloseBehavior>();

    public static string Name(this Behavior b) => b switch
    {
        Behavior.Ok => "OK",
        Behavior.NonStrict => "NON-STRICT",
        Behavior.Informational => "INFORMATIONAL",
        Behavior.Unimplemented => "UNIMPLEMENTED",
        Behavior.Failed => "FAILED",
        _ => throw new ArgumentOutOfRangeException(nameof(b)),
    };

    public static string Name(this CloseBehavior b) => b switch
    {
        CloseBehavior.Ok => "OK",
        CloseBehavior.Failed => "FAILED",
        CloseBehavior.Unclean => "UNCLEAN",
        CloseBehavior.WrongCode => "WRONG CODE",
        CloseBehavior.FailedByClient => "FAILED BY CLIENT",
        CloseBehavior.Informational => "INFORMATIONAL",
        _ => throw new ArgumentOutOfRangeException(nameof(b)),
    };

    public static Behavior ParseBehavior(string word)
    {
        foreach (var b in AllBehaviors)
        {
            if (b.Name() == word) return b;
        }
        throw new FormatException($"'{word}' is not a behavior verdict of the suite");
    }

    public static CloseBehavior ParseCloseBehavior(string word)
    {
        foreach (var b in AllCloseBehaviors)
        {
            if (b.Name() == word) return b;
        }
        throw new FormatException($"'{word}' is not a close-behavior verdict of the suite");
    }
}
