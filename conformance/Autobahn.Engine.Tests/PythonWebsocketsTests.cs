using Autobahn.Engine.Cases;
using Xunit;

namespace Autobahn.Engine.Tests;

/// <summary>
/// python3-websockets passes the official suite; our engine must not find a FAILED case in it either
/// (NON-STRICT and INFORMATIONAL are allowed: they depend on timing the spec leaves open).
/// </summary>
public sealed class PythonWebsocketsTests(PythonWebsocketsServer python) : IClassFixture<PythonWebsocketsServer>
{
    [Fact]
    public async Task Python_websockets_fails_no_case()
    {
        List<string> cases = ["1.*", "2.*", "3.*", "4.*", "5.*", "6.*", "7.*", "9.7.*", "10.*", "12.*.1", "13.*.1", "13.*.2"];
        var results = await EngineRuns.AgainstAsync(python.Url, "python-websockets", cases);
        Assert.Equal(CaseCatalog.Select(cases, []).Count, results.Count);
        static bool Failing(Engine.CaseResult r) =>
            r.Behavior is Verdicts.Failed or Verdicts.Unimplemented || r.BehaviorClose is not (Verdicts.Ok or Verdicts.Informational);
        results = await EngineRuns.RecheckAsync(python.Url, "python-websockets", results, Failing);
        var failing = results.Where(Failing).Select(r => $"{r.Case.Id}: {r.Behavior}/{r.BehaviorClose}").ToList();
        Assert.True(failing.Count == 0, string.Join("\n", failing));
    }
}
