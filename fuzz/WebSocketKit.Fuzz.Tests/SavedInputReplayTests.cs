using WebSocketKit.Fuzz.Targets;
using Xunit;

namespace WebSocketKit.Fuzz.Tests;

/// <summary>
/// Every committed seed and every input a campaign found (fuzz/regressions) runs through its target
/// on the uninstrumented build, so a fixed bug stays fixed.
/// </summary>
public class SavedInputReplayTests
{
    public static IEnumerable<object[]> SavedInputs() => FuzzData.SavedInputs();

    [Theory]
    [MemberData(nameof(SavedInputs))]
    public void A_saved_input_runs_through_its_target_without_a_finding(string kind, string target, string file)
    {
        var t = FuzzTargets.Create(target);
        Assert.True(t is not null, $"fuzz/{kind}/{target}/ has no registered target");
        FuzzTargets.RunCapped(t!, File.ReadAllBytes(FuzzData.PathOf(kind, target, file)));
    }

    [Fact]
    public void There_are_saved_inputs_for_every_target()
    {
        var targets = FuzzData.SavedInputs().Where(row => (string)row[0] == "corpus").Select(row => (string)row[1]).ToHashSet();
        Assert.Equal(FuzzTargets.Names.Order(), targets.Order());
    }
}
