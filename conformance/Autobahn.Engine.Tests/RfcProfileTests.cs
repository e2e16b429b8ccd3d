using Autobahn.Engine.Cases;
using Autobahn.Engine.Engine;
using Autobahn.Engine.Modes;
using Autobahn.Vocabulary;
using Xunit;

namespace Autobahn.Engine.Tests;

/// <summary>
/// The RFC profile (docs/profiles.md): the close codes IANA registered after the suite (1012-1014) are valid, 1015 may
/// never be sent; the official profile stays exactly the suite's.
/// </summary>
public sealed class RfcProfileTests(NodeWsServer node) : IClassFixture<NodeWsServer>
{
    [Fact]
    public void The_rfc_profile_adds_four_cases_and_the_official_one_none()
    {
        Assert.Equal(517, CaseCatalog.For(SuiteProfile.Autobahn).Count);
        var rfc = CaseCatalog.For(SuiteProfile.Rfc).Select(c => c.Id).ToList();
        Assert.Equal(521, rfc.Count);
        Assert.Equal(["7.7.14", "7.7.15", "7.7.16", "7.9.10"], rfc.Except(CaseCatalog.All.Select(c => c.Id)));
        Assert.True(rfc.IndexOf("7.7.13") < rfc.IndexOf("7.7.14") && rfc.IndexOf("7.9.10") < rfc.IndexOf("7.13.1"));
        Assert.All(CaseCatalog.For(SuiteProfile.Rfc), c => Assert.Equal(SuiteProfile.Rfc, c.Profile));
    }

    [Theory]
    [InlineData(1012, false, true)]
    [InlineData(1013, false, true)]
    [InlineData(1014, false, true)]
    [InlineData(1015, false, false)]
    [InlineData(1016, false, false)]
    [InlineData(1011, true, true)]
    public void Registered_later_codes_are_valid_only_by_the_rfc(int code, bool official, bool rfc)
    {
        Assert.Equal(official, CloseCodes.IsValidOnWire(code, SuiteProfile.Autobahn));
        Assert.Equal(rfc, CloseCodes.IsValidOnWire(code, SuiteProfile.Rfc));
    }

    [Fact]
    public void A_spec_names_its_profile_and_an_unknown_one_is_refused()
    {
        Assert.Equal(SuiteProfile.Rfc, FuzzingSpec.Parse("""{"profile": "rfc"}""").Profile);
        Assert.Equal(SuiteProfile.Autobahn, FuzzingSpec.Parse("{}").Profile);
        Assert.Throws<InvalidDataException>(() => FuzzingSpec.Parse("""{"profile": "strictest"}"""));
    }

    [Fact]
    public async Task Node_ws_which_follows_the_registry_passes_the_rfc_cases_and_the_reports_name_the_profile()
    {
        var outdir = Path.Combine(Path.GetTempPath(), "rfc-profile-" + Guid.NewGuid().ToString("N"));
        try
        {
            var spec = new FuzzingSpec
            {
                OutDir = outdir, Profile = SuiteProfile.Rfc, Cases = ["7.7.*", "7.9.*"],
                Servers = [new ServerSpec("ws-node", node.Url.ToString(), [])],
            };
            var results = await new FuzzingClient(spec).RunAsync();
            Assert.Equal(26, results.Count);
            foreach (var id in new[] { "7.7.14", "7.7.15", "7.7.16", "7.9.10" })
            {
                var r = results.Single(x => x.Case.Id == id);
                Assert.True((r.Behavior, r.BehaviorClose) == ("OK", "OK"), $"{id}: {r.Behavior}/{r.BehaviorClose} {r.Result} {r.ResultClose}");
            }
            Assert.Equal(1013, results.Single(x => x.Case.Id == "7.7.15").RemoteCloseCode);
            Assert.Contains("\"profile\": \"rfc\"", File.ReadAllText(Path.Combine(outdir, ReportFileNames.Json("ws-node", "7.7.15"))));
        }
        finally
        {
            if (Directory.Exists(outdir)) Directory.Delete(outdir, recursive: true);
        }
    }
}
