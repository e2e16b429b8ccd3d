using Autobahn.Engine.Cases;

namespace Autobahn.Engine.Engine;

/// <summary>Which close codes may appear in a close frame (RFC 6455 section 7.4).</summary>
public static class CloseCodes
{
    /// <summary>
    /// Codes registered with IANA after the suite was written: 1012 Service Restart, 1013 Try Again Later, 1014 Bad
    /// Gateway. The suite's protocol layer rejects them as undefined; the RFC profile accepts them, as any endpoint
    /// following the registry today must.
    /// </summary>
    public static readonly IReadOnlyList<int> RegisteredLater = [1012, 1013, 1014];

    public static bool IsValidOnWire(int code, SuiteProfile profile = SuiteProfile.Autobahn) =>
        code is (>= 1000 and <= 1003) or (>= 1007 and <= 1011) or (>= 3000 and <= 4999)
        || (profile == SuiteProfile.Rfc && RegisteredLater.Contains(code));
}
