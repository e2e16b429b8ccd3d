using static Autobahn.Engine.Cases.Build;

namespace Autobahn.Engine.Cases;

/// <summary>
/// The octet sequences of chapter 6.5 onwards, grouped as in Markus Kuhn's UTF-8 decoder stress test (whose
/// sections the official suite follows): each group is one subsection, each sequence one case, with its validity.
/// </summary>
public static class Utf8Sequences
{
    private static (bool, byte[]) Valid(string hex) => (true, Hex(hex));
    private static (bool, byte[]) Invalid(string hex) => (false, Hex(hex));

    public static IEnumerable<(string Title, List<(bool Valid, byte[] Bytes)> Sequences)> Groups()
    {
        var kosme = Hex("cebae1bdb9cf83cebcceb5");
        yield return ("Valid UTF-8", [Valid("68656c6c6f24776f726c64"), Valid("68656c6c6fc2a2776f726c64"), Valid("68656c6c6fe282ac776f726c64"),
                                      Valid("68656c6c6ff0a4ada2776f726c64"), (true, kosme)]);
        // Every prefix of a valid text: valid exactly when it ends on a code point boundary.
        yield return ("Prefixes of a valid text", Enumerable.Range(1, kosme.Length)
            .Select(n => (System.Text.Unicode.Utf8.IsValid(kosme.AsSpan(0, n)), kosme[..n])).ToList());
        yield return ("First code point of each length", [Valid("00"), Valid("c280"), Valid("e0a080"), Valid("f0908080")]);
        yield return ("First 5- and 6-octet forms (beyond Unicode)", [Invalid("f888808080"), Invalid("fc8480808080")]);
        yield return ("Last code point of each length", [Valid("7f"), Valid("dfbf"), Valid("efbfbf"), Valid("f48fbfbf")]);
        yield return ("Last 4-, 5- and 6-octet forms (beyond Unicode)", [Invalid("f7bfbfbf"), Invalid("fbbfbfbfbf"), Invalid("fdbfbfbfbfbf")]);
        yield return ("Other boundaries", [Valid("ed9fbf"), Valid("ee8080"), Valid("efbfbd"), Valid("f48fbfbf"), Invalid("f4908080")]);
        yield return ("Continuation octets with no lead", [Invalid("80"), Invalid("bf"), Invalid("80bf"), Invalid("80bf80"), Invalid("80bf80bf"),
            Invalid("80bf80bf80"), Invalid("80bf80bf80bf"), (false, Enumerable.Range(0x80, 0x3F).Select(i => (byte)i).ToArray())]);
        // Lead octets each followed by a space, one case per lead length (upper bound of each range left out, as the suite does).
        yield return ("Lead octets alone", new[] { (0xC0, 0xDF), (0xE0, 0xEF), (0xF0, 0xF7), (0xF8, 0xFB), (0xFC, 0xFD) }
            .Select(r => (false, Enumerable.Range(r.Item1, r.Item2 - r.Item1).SelectMany(i => new[] { (byte)i, (byte)0x20 }).ToArray())).ToList());
        string[] truncated = ["c0", "e080", "f08080", "f8808080", "fc80808080", "df", "efbf", "f7bfbf", "fbbfbfbf", "fdbfbfbfbf"];
        yield return ("Sequences missing their last octet", truncated.Select(Invalid).ToList());
        yield return ("All of those in a row", [Invalid(string.Concat(truncated))]);
        yield return ("Octets that never occur", [Invalid("fe"), Invalid("ff"), Invalid("fefeffff")]);
        yield return ("Overlong slash", [Invalid("c0af"), Invalid("e080af"), Invalid("f08080af"), Invalid("f8808080af"), Invalid("fc80808080af")]);
        yield return ("Largest overlong forms", [Invalid("c1bf"), Invalid("e09fbf"), Invalid("f08fbfbf"), Invalid("f887bfbfbf"), Invalid("fc83bfbfbfbf")]);
        yield return ("Overlong NUL", [Invalid("c080"), Invalid("e08080"), Invalid("f0808080"), Invalid("f880808080"), Invalid("fc8080808080")]);
        yield return ("Lone UTF-16 surrogates", [Invalid("eda080"), Invalid("edadbf"), Invalid("edae80"), Invalid("edafbf"), Invalid("edb080"),
            Invalid("edbe80"), Invalid("edbfbf")]);
        yield return ("Paired UTF-16 surrogates", [Invalid("eda080edb080"), Invalid("eda080edbfbf"), Invalid("edadbfedb080"), Invalid("edadbfedbfbf"),
            Invalid("edae80edb080"), Invalid("edae80edbfbf"), Invalid("edafbfedb080"), Invalid("edafbfedbfbf")]);
        yield return ("Noncharacters (valid UTF-8)", Noncharacters().Select(Valid).ToList());
        yield return ("Specials block (valid UTF-8)", [Valid("efbfb9"), Valid("efbfba"), Valid("efbfbb"), Valid("efbfbc"), Valid("efbfbd"), Valid("efbfbe"), Valid("efbfbf")]);
    }

    /// <summary>U+FFFE, U+FFFF and the last two code points of planes 1-16, in the suite's order.</summary>
    private static IEnumerable<string> Noncharacters()
    {
        yield return "efbfbe";
        yield return "efbfbf";
        foreach (var lead in new[] { "f0", "f1", "f2", "f3", "f4" })
            foreach (var second in new[] { "8f", "9f", "af", "bf" })
            {
                if (lead == "f4" && second != "8f") continue; // beyond U+10FFFF
                if (lead == "f0" && second == "8f") continue; // overlong forms
                foreach (var last in new[] { "be", "bf" }) yield return lead + second + "bf" + last;
            }
    }
}
