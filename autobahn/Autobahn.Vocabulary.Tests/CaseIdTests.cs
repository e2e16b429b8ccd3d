using Xunit;

namespace Autobahn.Vocabulary.Tests;

public sealed class CaseIdTests
{
    /// <summary>Ids in the order the suite's own case list and HTML report give them (chapter boundaries, two-digit parts).</summary>
    private static readonly string[] SuiteListing =
    [
        "1.1.1", "1.1.8", "1.2.1", "2.1", "2.9", "2.10", "2.11", "3.1", "4.2.5", "5.9", "5.10", "5.20",
        "6.1.1", "6.9.4", "6.10.1", "6.23.7", "7.1.1", "7.13.2", "9.1.1", "9.8.6", "10.1.1",
        "12.1.1", "12.1.2", "12.1.10", "12.1.18", "12.5.1", "13.1.1", "13.7.18",
    ];

    [Fact]
    public void Ids_sort_numerically_part_by_part_as_the_suite_lists_them()
    {
        foreach (var mixed in new[] { SuiteListing.Reverse().ToList(), SuiteListing.Order(StringComparer.Ordinal).ToList() })
        {
            Assert.Equal(SuiteListing, mixed.Order(CaseId.SuiteOrder));
            Assert.Equal(SuiteListing, mixed.Select(CaseId.Parse).Order().Select(id => id.Text));
        }
    }

    [Fact]
    public void Index_json_keys_are_in_plain_string_order_unlike_the_listing()
    {
        var keys = SuiteListing.Order(CaseId.IndexKeyOrder).ToList();
        Assert.True(keys.IndexOf("12.1.10") < keys.IndexOf("12.1.2"));
        Assert.True(keys.IndexOf("10.1.1") < keys.IndexOf("2.1"));
        Assert.NotEqual(SuiteListing, keys);
    }

    [Theory]
    [InlineData("1.1", "1.1.1", -1)] // a prefix first
    [InlineData("9.1.1", "10.1.1", -1)]
    [InlineData("2.10", "2.9", 1)]
    [InlineData("7.13.2", "7.13.2", 0)]
    public void Compare_on_text_agrees_with_the_parsed_ids(string a, string b, int sign)
    {
        Assert.Equal(sign, Math.Sign(CaseId.Compare(a, b)));
        Assert.Equal(sign, Math.Sign(CaseId.Parse(a).CompareTo(CaseId.Parse(b))));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1..2")]
    [InlineData("1.2.")]
    [InlineData("a.1")]
    [InlineData("-1.1")]
    [InlineData(" 1.1")]
    [InlineData("1.*")]
    public void Anything_but_dotted_numbers_is_refused(string text) =>
        Assert.Throws<FormatException>(() => CaseId.Parse(text));

    [Fact]
    public void The_first_part_is_the_chapter_and_equality_is_by_text()
    {
        var id = CaseId.Parse("12.3.17");
        Assert.Equal(12, id.Chapter);
        Assert.Equal([12, 3, 17], id.Parts);
        Assert.Equal(CaseId.Parse("12.3.17"), id);
        Assert.Equal("12.3.17", id.ToString());
    }
}
