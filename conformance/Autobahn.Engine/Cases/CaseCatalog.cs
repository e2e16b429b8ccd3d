using System.Text.RegularExpressions;
using Autobahn.Vocabulary;

namespace Autobahn.Engine.Cases;

/// <summary>Every case of the suite, in the official order, and the official way of selecting them by id pattern.</summary>
public static class CaseCatalog
{
    private static readonly Lazy<IReadOnlyList<CaseDefinition>> AllCases = new(() => Build(SuiteProfile.Autobahn));
    private static readonly Lazy<IReadOnlyList<CaseDefinition>> AllRfcCases = new(() => Build(SuiteProfile.Rfc));

    private static IReadOnlyList<CaseDefinition> Build(SuiteProfile profile)
    {
        var all = new List<CaseDefinition>();
        all.AddRange(Chapter1Framing.Cases());
        all.AddRange(Chapter2PingPong.Cases());
        all.AddRange(Chapter3ReservedBits.Cases());
        all.AddRange(Chapter4Opcodes.Cases());
        all.AddRange(Chapter5Fragmentation.Cases());
        all.AddRange(Chapter6Utf8.Cases());
        all.AddRange(Chapter7Close.Cases());
        all.AddRange(Chapter9Limits.Cases());
        all.AddRange(Chapter10Misc.Cases());
        all.AddRange(Chapter12Compression.Cases());
        if (profile == SuiteProfile.Rfc)
        {
            all.AddRange(Chapter7Close.RfcCases());
            all = all.Select(c => c with { Profile = profile }).ToList();
        }
        all.Sort((a, b) => CaseId.Compare(a.Id, b.Id));
        return all;
    }

    /// <summary>The official suite's cases.</summary>
    public static IReadOnlyList<CaseDefinition> All => AllCases.Value;

    /// <summary>Every case a profile runs, in suite order.</summary>
    public static IReadOnlyList<CaseDefinition> For(SuiteProfile profile) => profile == SuiteProfile.Rfc ? AllRfcCases.Value : AllCases.Value;

    /// <summary>True when <paramref name="id"/> matches the pattern; '*' stands for any run of characters (e.g. "6.*", "12.2.*").</summary>
    public static bool Matches(string pattern, string id) =>
        Regex.IsMatch(id, "^" + Regex.Escape(pattern.Trim()).Replace("\\*", ".*") + "$");

    /// <summary>The cases selected by the spec's "cases" and "exclude-cases" lists, in suite order.</summary>
    public static IReadOnlyList<CaseDefinition> Select(IEnumerable<string> include, IEnumerable<string> exclude, SuiteProfile profile = SuiteProfile.Autobahn)
    {
        var inc = include.ToList(); var exc = exclude.ToList();
        return For(profile).Where(c => inc.Any(p => Matches(p, c.Id)) && !exc.Any(p => Matches(p, c.Id))).ToList();
    }

    public static int IndexOf(CaseDefinition c)
    {
        var all = For(c.Profile);
        for (int i = 0; i < all.Count; i++) if (ReferenceEquals(all[i], c)) return i + 1;
        return 0;
    }
}
