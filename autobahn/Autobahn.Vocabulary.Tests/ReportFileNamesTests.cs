using Xunit;

namespace Autobahn.Vocabulary.Tests;

public sealed class ReportFileNamesTests
{
    [Theory]
    [InlineData("ws-node", "1.1.1", "ws_node_case_1_1_1")]
    [InlineData("UnknownServer", "7.13.2", "unknownserver_case_7_13_2")]
    [InlineData("My Server/2.0 (x)", "12.1.10", "my_server_2_0__x__case_12_1_10")]
    [InlineData("Ünï", "2.1", "_n__case_2_1")] // only ASCII letters and digits survive
    public void Case_files_are_named_from_the_agent_and_the_id(string agent, string id, string stem)
    {
        Assert.Equal(stem, ReportFileNames.Stem(agent, id));
        Assert.Equal(stem + ".json", ReportFileNames.Json(agent, id));
        Assert.Equal(stem + ".html", ReportFileNames.Html(agent, id));
    }

    [Fact]
    public void The_index_files_have_the_suites_names()
    {
        Assert.Equal("index.json", ReportFileNames.IndexJson);
        Assert.Equal("index.html", ReportFileNames.IndexHtml);
    }
}
