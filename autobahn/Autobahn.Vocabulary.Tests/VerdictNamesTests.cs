using Xunit;

namespace Autobahn.Vocabulary.Tests;

public sealed class VerdictNamesTests
{
    [Fact]
    public void Every_behavior_word_reads_back_as_itself()
    {
        foreach (var b in VerdictNames.AllBehaviors) Assert.Equal(b, VerdictNames.ParseBehavior(b.Name()));
        foreach (var b in VerdictNames.AllCloseBehaviors) Assert.Equal(b, VerdictNames.ParseCloseBehavior(b.Name()));
    }

    [Fact]
    public void The_words_are_spelled_as_the_suite_writes_them_in_table_order()
    {
        Assert.Equal(["OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED"], VerdictNames.AllBehaviors.Select(b => b.Name()));
        Assert.Equal(["OK", "FAILED", "UNCLEAN", "WRONG CODE", "FAILED BY CLIENT", "INFORMATIONAL"], VerdictNames.AllCloseBehaviors.Select(b => b.Name()));
    }

    [Theory]
    [InlineData("ok")]
    [InlineData("PASSED")]
    [InlineData("WRONG CODE")] // a close word, not a behavior
    [InlineData("")]
    public void An_unknown_behavior_word_is_refused(string word) =>
        Assert.Throws<FormatException>(() => VerdictNames.ParseBehavior(word));

    [Theory]
    [InlineData("NON-STRICT")] // a behavior word, not a close one
    [InlineData("Wrong Code")]
    public void An_unknown_close_word_is_refused(string word) =>
        Assert.Throws<FormatException>(() => VerdictNames.ParseCloseBehavior(word));
}
