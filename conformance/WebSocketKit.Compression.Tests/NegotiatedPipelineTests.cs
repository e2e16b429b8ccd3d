using WebSocketKit.Protocol;
using WebSocketKit.Protocol.Compression;
using Xunit;
using static WebSocketKit.Compression.Tests.InflateDriver;

namespace WebSocketKit.Compression.Tests;

/// <summary>What the negotiation agrees on is what the deflaters and inflaters of both ends then use.</summary>
public class NegotiatedPipelineTests
{
    public static TheoryData<bool, bool, int, int> Combinations()
    {
        var d = new TheoryData<bool, bool, int, int>();
        foreach (bool st in new[] { true, false })
            foreach (bool ct in new[] { true, false })
                foreach (var (sb, cb) in new[] { (15, 15), (8, 15), (15, 8), (9, 10), (8, 8) })
                    d.Add(st, ct, sb, cb);
        return d;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Messages_flow_both_ways_with_the_agreed_parameters(bool serverTakeover, bool clientTakeover, int serverBits, int clientBits)
    {
        var clientOptions = new PerMessageDeflateOptions { AllowServerContextTakeover = serverTakeover, AllowClientContextTakeover = clientTakeover, ServerMaxWindowBits = serverBits, ClientMaxWindowBits = clientBits };
        Assert.True(PerMessageDeflateNegotiation.TryAcceptOffer([PerMessageDeflateNegotiation.CreateOffer(clientOptions)], new PerMessageDeflateOptions(), out var server, out var response));
        Assert.Equal(ExtensionNegotiationError.None, PerMessageDeflateNegotiation.TryAcceptResponse([response!], clientOptions, out var client));

        using var serverOut = server!.CreateDeflater(Role.Server);
        using var clientOut = client!.CreateDeflater(Role.Client);
        var serverIn = server.CreateInflater(Role.Server, maxMessageSize: 1 << 20);
        var clientIn = client.CreateInflater(Role.Client, maxMessageSize: 1 << 20);
        Assert.Equal(serverBits, serverOut.WindowBits);
        Assert.Equal(serverBits, clientIn.WindowBits);
        Assert.Equal(clientBits, clientOut.WindowBits);
        Assert.Equal(clientBits, serverIn.WindowBits);

        var buffer = new byte[MessageDeflater.GetMaxCompressedLength(20_000)];
        for (int i = 0; i < 6; i++)
        {
            var message = TestData.Json(2000 + i * 3000, seed: i % 2);
            Assert.Equal(message, InflateOk(clientIn, buffer.AsSpan(0, serverOut.Compress(message, buffer)), inChunk: 1000));
            Assert.Equal(message, InflateOk(serverIn, buffer.AsSpan(0, clientOut.Compress(message, buffer)), inChunk: 1000));
        }
    }
}
