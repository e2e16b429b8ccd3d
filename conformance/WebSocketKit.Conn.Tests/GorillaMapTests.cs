using System.Reflection;
using System.Text.RegularExpressions;
using Xunit;

namespace WebSocketKit.ConnTests;

/// <summary>
/// impl/WebSocketKit/GORILLA.md, the gorilla/websocket → WebSocketKit map, cannot drift from the code: every
/// <c>Type.Member</c> its tables name on our side exists in the WebSocketKit assembly, and every public member of the
/// central types is named there.
/// </summary>
public partial class GorillaMapTests
{
    private static readonly Type[] Central = [typeof(Conn), typeof(Upgrader), typeof(Dialer), typeof(ConnectionOptions)];

    // Types of the runtime the map may name members of (TimeSpan.Zero ...); any other unknown type is a typo.
    private static readonly HashSet<string> Runtime = ["TimeSpan", "Timeout", "ArrayPool", "HttpClient", "CancellationToken"];

    // By simple name: the map writes MessageType, not WebSocketKit.MessageType (a name in two namespaces is either).
    private static readonly ILookup<string, Type> Ours = typeof(Conn).Assembly.GetExportedTypes().Where(t => !t.IsNested).ToLookup(t => t.Name);

    /// <summary>Code spans of every table cell except the header rows and the "gorilla" column (gorilla's names).</summary>
    internal static IEnumerable<(int Line, string Code)> OurSpans(string markdown)
    {
        var lines = markdown.Split('\n');
        int gorillaColumn = -1;
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (!line.StartsWith('|'))
            {
                gorillaColumn = -1;
                continue;
            }
            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            bool header = i + 1 < lines.Length && SeparatorRow().IsMatch(lines[i + 1].Trim());
            if (header)
            {
                gorillaColumn = Array.IndexOf(cells, "gorilla");
                continue;
            }
            if (SeparatorRow().IsMatch(line)) continue;
            for (int c = 0; c < cells.Length; c++)
            {
                if (c == gorillaColumn) continue;
                foreach (Match m in CodeSpan().Matches(cells[c])) yield return (i + 1, m.Groups[1].Value);
            }
        }
    }

    /// <summary>Every Type.Member (and Type.A/B) named in the spans.</summary>
    internal static IEnumerable<(int Line, string Type, string Member)> References(string markdown) =>
        from span in OurSpans(markdown)
        from Match m in Reference().Matches(span.Code)
        from member in m.Groups[2].Value.Split('/')
        select (span.Line, m.Groups[1].Value, member);

    internal static IReadOnlyList<string> Problems(string markdown)
    {
        var problems = new List<string>();
        var named = new HashSet<(string, string)>();
        foreach (var (line, type, member) in References(markdown))
        {
            named.Add((type, member));
            var candidates = Ours[type].ToList();
            if (candidates.Count == 0)
            {
                if (!Runtime.Contains(type)) problems.Add($"line {line}: {type}.{member}: WebSocketKit has no public type {type}");
                continue;
            }
            if (!candidates.Any(t => t.GetMember(member, BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).Length > 0))
                problems.Add($"line {line}: {type}.{member}: {candidates[0].FullName} has no public member {member}");
        }
        foreach (var type in Central)
        {
            foreach (var member in PublicMembers(type))
                if (!named.Contains((type.Name, member))) problems.Add($"{type.Name}.{member} is public but GORILLA.md does not name it");
        }
        return problems;
    }

    internal static IEnumerable<string> PublicMembers(Type type) =>
        type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => m switch
            {
                MethodInfo method => !method.IsSpecialName,
                PropertyInfo or FieldInfo or EventInfo => true,
                _ => false, // constructors, nested types
            })
            .Select(m => m.Name)
            .Distinct();

    private static string MapPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "impl", "WebSocketKit", "GORILLA.md");
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException("impl/WebSocketKit/GORILLA.md not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void Every_member_the_map_names_exists_and_every_public_member_is_named()
    {
        var markdown = File.ReadAllText(MapPath());
        Assert.True(References(markdown).Count() > 50, "the map names too few members to be read correctly");
        var problems = Problems(markdown);
        Assert.True(problems.Count == 0, "GORILLA.md is out of date:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void The_check_sees_a_missing_member_an_unknown_type_and_an_unnamed_public_member()
    {
        const string map = """
            | gorilla | WebSocketKit | notes |
            | --- | --- | --- |
            | `Conn.ReadMessage` | `Conn.ReadMessageAsync(ct)`, `Conn.ReadMessages` | |
            | `Dialer.Dial` | `Dailer.DialAsync` | |
            | `Upgrader.Upgrade` | `Upgrader.HandshakeTimeout/Limits` | `TimeSpan.Zero` |
            """;
        var problems = Problems(map.Replace("\r", ""));
        Assert.Contains(problems, p => p.Contains("Conn.ReadMessages: WebSocketKit.Conn has no public member ReadMessages"));
        Assert.Contains(problems, p => p.Contains("WebSocketKit has no public type Dailer"));
        Assert.Contains(problems, p => p == "Conn.WriteMessageAsync is public but GORILLA.md does not name it");
        // Members that exist resolve, named members are not reported unnamed, and gorilla's own names (first column) are
        // not ours to resolve.
        var unresolved = problems.Where(p => p.StartsWith("line ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, unresolved.Count);
        Assert.DoesNotContain(problems, p => p.StartsWith("Conn.ReadMessageAsync ", StringComparison.Ordinal) || p.StartsWith("Upgrader.HandshakeTimeout ", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^\|?\s*:?-{3,}")]
    private static partial Regex SeparatorRow();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"(?<![\w.])([A-Z]\w*)\.([A-Z]\w*(?:/[A-Z]\w*)*)")]
    private static partial Regex Reference();
}
