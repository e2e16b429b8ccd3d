namespace Autobahn.Vocabulary;

/// <summary>
/// The verdict words exactly as the suite writes them into index.json and the case reports. Constants, so the
/// engine can judge in words and switch on them; <see cref="VerdictNames"/> maps them to the enums below.
/// </summary>
public static class VerdictWords
{
    public const string Ok = "OK";
    public const string NonStrict = "NON-STRICT";
    public const string Informational = "INFORMATIONAL";
    public const string Unimplemented = "UNIMPLEMENTED";
    public const string Failed = "FAILED";
    public const string Unclean = "UNCLEAN";
    public const string WrongCode = "WRONG CODE";
    public const string FailedByClient = "FAILED BY CLIENT";
}

/// <summary>The suite's verdict on what the peer did with the case's messages ("behavior").</summary>
/// <remarks>The declaration order is the column order of every chapter table.</remarks>
public enum Behavior { Ok, NonStrict, Informational, Unimplemented, Failed }

/// <summary>The suite's separate verdict on how the connection ended ("behaviorClose").</summary>
/// <remarks>The declaration order is the column order of every chapter table.</remarks>
public enum CloseBehavior { Ok, Failed, Unclean, WrongCode, FailedByClient, Informational }

/// <summary>Maps the verdict words to the enums and back.</summary>
public static class VerdictNames
{
    public static readonly IReadOnlyList<Behavior> AllBehaviors = Enum.GetValues<Behavior>();
    public static readonly IReadOnlyList<CloseBehavior> AllCloseBehaviors = Enum.GetValues<CloseBehavior>();

    public static string Name(this Behavior b) => b switch
    {
        Behavior.Ok => VerdictWords.Ok,
        Behavior.NonStrict => VerdictWords.NonStrict,
        Behavior.Informational => VerdictWords.Informational,
        Behavior.Unimplemented => VerdictWords.Unimplemented,
        Behavior.Failed => VerdictWords.Failed,
        _ => throw new ArgumentOutOfRangeException(nameof(b)),
    };

    public static string Name(this CloseBehavior b) => b switch
    {
        CloseBehavior.Ok => VerdictWords.Ok,
        CloseBehavior.Failed => VerdictWords.Failed,
        CloseBehavior.Unclean => VerdictWords.Unclean,
        CloseBehavior.WrongCode => VerdictWords.WrongCode,
        CloseBehavior.FailedByClient => VerdictWords.FailedByClient,
        CloseBehavior.Informational => VerdictWords.Informational,
        _ => throw new ArgumentOutOfRangeException(nameof(b)),
    };

    /// <exception cref="FormatException">Not one of the suite's behavior words (they are matched case-sensitively).</exception>
    public static Behavior ParseBehavior(string word)
    {
        foreach (var b in AllBehaviors)
        {
            if (b.Name() == word) return b;
        }
        throw new FormatException($"'{word}' is not a behavior verdict of the suite");
    }

    /// <exception cref="FormatException">Not one of the suite's close-behavior words.</exception>
    public static CloseBehavior ParseCloseBehavior(string word)
    {
        foreach (var b in AllCloseBehaviors)
        {
            if (b.Name() == word) return b;
        }
        throw new FormatException($"'{word}' is not a close-behavior verdict of the suite");
    }
}
