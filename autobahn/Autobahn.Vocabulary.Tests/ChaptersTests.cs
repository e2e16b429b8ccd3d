using Xunit;

namespace Autobahn.Vocabulary.Tests;

public sealed class ChaptersTests
{
    [Fact]
    public void The_table_has_the_suites_chapters_in_order_with_12_and_13_as_one_row()
    {
        Assert.Equal(["1", "2", "3", "4", "5", "6", "7", "9", "10", "12/13"], Chapters.All.Select(c => c.Key));
        Assert.Same(Chapters.Compression, Chapters.All[^1]);
        Assert.Same(Chapters.Compression, Chapters.For(CaseId.Parse("12.1.1")));
        Assert.Same(Chapters.Compression, Chapters.For(CaseId.Parse("13.7.18")));
    }

    [Theory]
    [InlineData("1.1.1", "Framing")]
    [InlineData("2.10", "Pings/Pongs")]
    [InlineData("6.4.1", "UTF-8")]
    [InlineData("7.13.2", "Close")]
    [InlineData("9.8.6", "Limits/Performance")]
    [InlineData("10.1.1", "Misc")]
    public void A_case_belongs_to_its_first_parts_chapter(string id, string title) =>
        Assert.Equal(title, Chapters.For(CaseId.Parse(id)).Title);

    [Fact]
    public void A_chapter_the_table_does_not_know_gets_a_row_of_its_own()
    {
        var row = Chapters.For(CaseId.Parse("16.1.1"));
        Assert.Equal("16", row.Key);
        Assert.Equal("Other", row.Title);
        Assert.DoesNotContain(row, Chapters.All);
    }
}
