using Autobahn.Engine.Modes;
using Xunit;

namespace Autobahn.Engine.Tests;

/// <summary>Our wstest accepts the official wstest's command line exactly: every option, long and short, glued or not.</summary>
public sealed class WstestCommandLineTests
{
    [Theory]
    [InlineData(new[] { "-m", "fuzzingclient", "-s", "spec.json" }, "mode=fuzzingclient spec=spec.json")]
    [InlineData(new[] { "--mode=fuzzingserver", "--spec", "x.json" }, "mode=fuzzingserver spec=x.json")]
    [InlineData(new[] { "-mfuzzingclient", "-w", "ws://127.0.0.1:9001" }, "mode=fuzzingclient wsuri=ws://127.0.0.1:9001")]
    [InlineData(new[] { "-m", "fuzzingserver", "-u", "0" }, "mode=fuzzingserver webport=0")]
    [InlineData(new[] { "--webport", "8080", "--wsuri=ws://h:1", "-d" }, "debug=true webport=8080 wsuri=ws://h:1")]
    [InlineData(new[] { "-i", "me", "-k", "k.pem", "-c", "c.pem", "-t", "set", "-o", "out" }, "cert=c.pem ident=me key=k.pem outfile=out testset=set")]
    public void The_official_options_are_understood(string[] args, string expected)
    {
        var parsed = WstestCommand.Parse(args);
        Assert.Equal(expected, string.Join(' ', parsed.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")));
    }

    [Fact]
    public void Minus_w_is_the_websocket_uri_and_minus_u_the_web_port_as_in_the_official_parser()
    {
        var parsed = WstestCommand.Parse(["-w", "ws://127.0.0.1:9001", "-u", "9090"]);
        Assert.Equal("ws://127.0.0.1:9001", parsed["wsuri"]);
        Assert.Equal("9090", parsed["webport"]);
    }

    [Theory]
    [InlineData(new[] { "--bogus" }, "unknown option")]
    [InlineData(new[] { "-x" }, "unknown option")]
    [InlineData(new[] { "-u", "70000" }, "invalid Web port")]
    [InlineData(new[] { "-u", "web" }, "invalid Web port")]
    [InlineData(new[] { "-m" }, "needs a value")]
    [InlineData(new[] { "fuzzingclient" }, "unexpected argument")]
    public void Anything_else_is_refused_with_a_reason(string[] args, string reason)
    {
        var e = Assert.Throws<ArgumentException>(() => WstestCommand.Parse(args));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public async Task A_refused_command_line_cannot_run_and_says_why()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(WstestCommand.CannotRun, await WstestCommand.RunAsync(["-m", "echoserver"], output, error, CancellationToken.None));
        Assert.Contains("not supported by this engine", error.ToString());
        Assert.Equal(WstestCommand.CannotRun, await WstestCommand.RunAsync(["-m", "fuzzingclient", "-s", "/nonexistent/spec.json"], output, error, CancellationToken.None));
        Assert.Contains("not found", error.ToString());
    }
}
