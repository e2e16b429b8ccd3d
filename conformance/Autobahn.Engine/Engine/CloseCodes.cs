namespace Autobahn.Engine.Engine;

/// <summary>Which close codes may appear in a close frame (RFC 6455 section 7.4).</summary>
public static class CloseCodes
{
    public static bool IsValidOnWire(int code) =>
        code is (>= 1000 and <= 1003) or (>= 1007 and <= 1011) or (>= 3000 and <= 4999);
}
