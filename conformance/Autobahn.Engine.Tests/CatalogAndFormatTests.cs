using System.Text.Json.Nodes;
using Autobahn.Engine.Cases;
using Autobahn.Engine.Modes;
using Autobahn.Engine.Reports;
using Autobahn.Engine.Wire;
using Autobahn.Vocabulary;
using Xunit;

namespace Autobahn.Engine.Tests;

/// <summary>The suite's shape (ids, order, selection) and the report format match the official suite's.</summary>
public sealed class CatalogAndFormatTests
{
    [Fact]
    public void The_catalog_has_exactly_the_official_517_case_ids()
    {
        var official = OfficialVerdicts.Load("servers-index.json").Keys.ToHashSet();
        var ours = CaseCatalog.All.Select(c => c.Id).ToList();
        Assert.Equal(517, ours.Count);
        Assert.Equal(ours.Count, ours.Distinct().Count());
        Assert.True(official.SetEquals(ours), $"missing: {string.Join(", ", official.Except(ours))}; extra: {string.Join(", ", ours.Except(official))}");
    }

    [Fact]
    public void Cases_are_ordered_numerically_part_by_part()
    {
        var ids = CaseCatalog.All.Select(c => c.Id).ToList();
        Assert.True(ids.IndexOf("1.2.8") < ids.IndexOf("2.1"));
        Assert.True(ids.IndexOf("2.9") < ids.IndexOf("2.10"));
        Assert.True(ids.IndexOf("6.9.4") < ids.IndexOf("6.10.1"));
        Assert.Equal("1.1.1", ids[0]);
        Assert.Equal("13.7.18", ids[^1]);
    }

    [Fact]
    public void The_official_index_keys_are_in_index_key_order_and_our_catalog_in_suite_order()
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "official-node-ws", "servers-index.json")))!;
        var keys = root["ws-node"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Equal(keys.Order(CaseId.IndexKeyOrder), keys);
        Assert.Equal(keys.Order(CaseId.SuiteOrder), CaseCatalog.All.Select(c => c.Id));
    }

    [Fact]
    public void Every_case_of_either_profile_has_a_row_in_the_chapter_table() =>
        Assert.DoesNotContain(CaseCatalog.For(SuiteProfile.Rfc).Concat(CaseCatalog.All), c => !Chapters.All.Contains(Chapters.For(CaseId.Parse(c.Id))));

    [Theory]
    [InlineData("6.*", "6.4.1", true)]
    [InlineData("6.*", "16.1", false)]
    [InlineData("12.2.*", "12.2.10", true)]
    [InlineData("9.1.1", "9.1.10", false)]
    [InlineData("*", "1.1.1", true)]
    public void Case_patterns_use_star_as_a_wildcard(string pattern, string id, bool matches) =>
        Assert.Equal(matches, CaseCatalog.Matches(pattern, id));

    [Fact]
    public void The_official_spec_file_format_is_read()
    {
        var spec = FuzzingSpec.Parse("""
            { "outdir": "./reports/servers",
              "servers": [{ "agent": "My Server/1.0", "url": "ws://127.0.0.1:9001", "options": { "version": 18 } }],
              "cases": ["*"], "exclude-cases": ["9.*", "12.*"], "exclude-agent-cases": { "My*": ["6.4.*"] } }
            """);
        Assert.Equal("./reports/servers", spec.OutDir);
        Assert.Equal("My Server/1.0", spec.Servers.Single().Agent);
        Assert.True(spec.ExcludedFor("My Server/1.0", "6.4.2"));
        Assert.False(spec.ExcludedFor("Other", "6.4.2"));
        Assert.DoesNotContain(CaseCatalog.Select(spec.Cases, spec.ExcludeCases), c => c.Id.StartsWith("9.", StringComparison.Ordinal));
    }

    [Fact]
    public void Case_report_files_are_named_as_the_official_ones() =>
        Assert.Equal("my_server_1_0_case_6_4_1.json", ReportFileNames.Json("My Server/1.0", "6.4.1"));

    [Fact]
    public void A_case_report_has_every_field_of_an_official_one()
    {
        var official = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "official-node-ws", "ws_node_case_2_5.json")))!.AsObject();
        var c = CaseCatalog.All.Single(x => x.Id == "2.5");
        var ours = ReportWriter.CaseJson(new Engine.CaseResult { Case = c, Log = new WireLog(), Agent = "ws-node" });
        var missing = official.Select(p => p.Key).Except(ours.Select(p => p.Key)).ToList();
        Assert.True(missing.Count == 0, string.Join(", ", missing));
        // Our two additions: the verdict profile (docs/profiles.md) and the time of each wire log entry.
        Assert.Equal(["profile", "wirelogTimes"], ours.Select(p => p.Key).Except(official.Select(p => p.Key)));
        Assert.Equal("autobahn", (string?)ours["profile"]);
        Assert.Equal(official["expectedClose"]!.ToJsonString(), ours["expectedClose"]!.ToJsonString());
    }

    [Fact]
    public void Frames_written_by_the_engine_read_back_through_its_reader()
    {
        var reader = new FrameReader();
        foreach (int len in new[] { 0, 125, 126, 65535, 65536 })
        {
            var payload = Enumerable.Range(0, len).Select(i => (byte)i).ToArray();
            var frame = FrameWriter.Encode(2, payload, fin: len != 126, rsv: 5, mask: [1, 2, 3, 4]);
            // Any chopping of the stream yields the same frame.
            foreach (var piece in frame.Chunk(997)) reader.Append(piece);
            var read = reader.TryRead();
            Assert.NotNull(read);
            Assert.Equal((2, len != 126, 5), (read.Opcode, read.Fin, read.Rsv));
            Assert.Equal(payload, read.Payload);
            Assert.Null(reader.TryRead());
        }
    }
}
