using Xunit;

namespace Autobahn.Vocabulary.Tests;

/// <summary>The failing rule as a table: verdicts and flags in, fails or passes out.</summary>
public sealed class VerdictPolicyTests
{
    // flags: c = claims compression, s = strict (NON-STRICT fails), u = fail on UNIMPLEMENTED
    [Theory]
    [InlineData("OK", "OK", "", false)]
    [InlineData("OK", "OK", "csu", false)]
    [InlineData("INFORMATIONAL", "INFORMATIONAL", "csu", false)]
    [InlineData("NON-STRICT", "OK", "", false)]
    [InlineData("NON-STRICT", "OK", "s", true)]
    [InlineData("NON-STRICT", "OK", "cu", false)]
    [InlineData("UNIMPLEMENTED", "OK", "", false)]
    [InlineData("UNIMPLEMENTED", "OK", "s", false)]
    [InlineData("UNIMPLEMENTED", "OK", "c", true)]
    [InlineData("UNIMPLEMENTED", "OK", "u", true)]
    [InlineData("FAILED", "OK", "", true)]
    [InlineData("OK", "FAILED", "", true)]
    [InlineData("OK", "UNCLEAN", "", true)]
    [InlineData("OK", "WRONG CODE", "", true)]
    [InlineData("OK", "FAILED BY CLIENT", "", true)]
    [InlineData("NON-STRICT", "INFORMATIONAL", "", false)]
    public void A_case_fails_exactly_when_the_table_says(string behavior, string close, string flags, bool fails)
    {
        var policy = new VerdictPolicy(flags.Contains('c'), flags.Contains('s'), flags.Contains('u'));
        Assert.Equal(fails, policy.Reason(behavior, close) is not null);
        Assert.Equal(fails, policy.Reason(VerdictNames.ParseBehavior(behavior), VerdictNames.ParseCloseBehavior(close)) is not null);
    }

    [Fact]
    public void The_reason_names_the_verdict_that_failed()
    {
        Assert.Equal("behavior FAILED", new VerdictPolicy().Reason(Behavior.Failed, CloseBehavior.Unclean));
        Assert.Equal("close WRONG CODE", new VerdictPolicy().Reason(Behavior.Ok, CloseBehavior.WrongCode));
        Assert.Equal("behavior UNIMPLEMENTED although compression is claimed", new VerdictPolicy(ClaimsCompression: true).Reason(Behavior.Unimplemented, CloseBehavior.Ok));
    }

    [Fact]
    public void Words_the_suite_does_not_use_are_an_error_not_a_pass() =>
        Assert.Throws<FormatException>(() => new VerdictPolicy().Reason("PASSED", "OK"));
}
