using WebSocketKit.Fuzz.Targets;
using Xunit;

namespace WebSocketKit.Fuzz.Tests;

/// <summary>
/// The utf8 target's oracle: the BCL's verdict turned into "the first byte that cannot belong to
/// valid UTF-8", which is where a fail-fast validator must stop.
/// </summary>
public class Utf8VerdictTests
{
    [Theory]
    [InlineData("48656c6c6f", true, -1)]
    [InlineData("f09f9880", true, -1)]
    [InlineData("61f09f98", false, -1)]     // cut off by the end: invalid, but no byte is impossible yet
    [InlineData("e28241", false, 2)]        // the 'A' cannot continue E2 82
    [InlineData("80", false, 0)]            // a continuation byte cannot start a character
    [InlineData("c080", false, 0)]          // C0 never starts a character (overlong)
    [InlineData("e080af", false, 1)]        // after E0 the next byte must be A0-BF
    [InlineData("eda080", false, 1)]        // after ED the next byte must be 80-9F (surrogates)
    [InlineData("f4908080", false, 1)]      // above U+10FFFF
    [InlineData("61f5", false, 1)]
    public void The_BCL_verdict_names_the_first_impossible_byte(string hex, bool valid, int failAt)
        => Assert.Equal((valid, failAt), Utf8Target.BclVerdict(Convert.FromHexString(hex)));
}
