using System.Text.RegularExpressions;
using WebSocketKit.Fuzz.Targets;
using Xunit;

namespace WebSocketKit.Fuzz.Tests;

/// <summary>Each registered target comes with its committed seeds and an AFL dictionary.</summary>
public partial class TargetRegistryTests
{
    public static IEnumerable<object[]> Targets() => FuzzTargets.Names.Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(Targets))]
    public void A_target_is_found_by_its_name(string name) => Assert.Equal(name, FuzzTargets.Create(name)!.Name);

    [Fact]
    public void An_unknown_name_finds_no_target() => Assert.Null(FuzzTargets.Create("conn-not-yet"));

    [Theory]
    [MemberData(nameof(Targets))]
    public void The_committed_corpus_holds_the_generated_seeds_byte_for_byte(string name)
    {
        // Regenerate with: make fuzz-seeds
        foreach (var seed in FuzzTargets.Create(name)!.Seeds())
        {
            var path = FuzzData.PathOf("corpus", name, seed.Name + ".bin");
            Assert.True(File.Exists(path), $"{path} is missing");
            Assert.Equal(seed.Data, File.ReadAllBytes(path));
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Seeds_are_small_and_distinct(string name)
    {
        var seeds = FuzzTargets.Create(name)!.Seeds().ToList();
        Assert.NotEmpty(seeds);
        Assert.All(seeds, s => Assert.InRange(s.Data.Length, 1, 4096));
        Assert.Equal(seeds.Count, seeds.Select(s => s.Name).Distinct().Count());
        Assert.Equal(seeds.Count, seeds.Select(s => Convert.ToHexString(s.Data)).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void The_dictionary_is_in_afl_format(string name)
    {
        var lines = File.ReadAllLines(Path.Combine(FuzzData.FuzzRoot, "dict", name + ".dict"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Matches(DictLine(), l));
    }

    [GeneratedRegex("""^[A-Za-z0-9_]+="(\\x[0-9a-f]{2}|[ -!#-\[\]-~])+"$""")]
    private static partial Regex DictLine();
}
