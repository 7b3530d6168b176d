
using TorRelay.TestNet;
using Xunit.Abstractions;

namespace TorRelay.Interop;

/// <summary>A C tor client carries real traffic through circuits that use our relay.</summary>
[Collection("TorNetwork")]
public sealed class CircuitTests(TorNetworkFixture fixture, ITestOutputHelper output)
{
    private const long FiftyMiB = 50L * 1024 * 1024;

    [Fact]
    public async Task ClientDownloadsFiftyMiBThroughOurRelayAsMiddle()
    {
        var network = fixture.Network;
        var ours = fixture.OurRelay;
        var client = network.Client!;
        string fp = await network.ResolveFingerprintAsync(ours, TimeSpan.FromSeconds(60));
        await network.WaitForRelayAsync(ours.Nickname, ["Running", "Valid"], TimeSpan.FromSeconds(120));
        await network.WaitForClientBootstrapAsync(TimeSpan.FromSeconds(120));
        await using var server = new BulkHttpServer(FiftyMiB);
        await using var control = await network.ConnectControlAsync(client);
        // The authorities listing us is not enough: the client must have fetched a consensus with us and the exit.
        var exitFp = await network.ResolveFingerprintAsync(network.Exits[0], TimeSpan.FromSeconds(60));
        await WaitAsync(async () => await control.GetNetworkStatusAsync(fp) is not null
                                    && await control.GetNetworkStatusAsync(exitFp) is not null,
            TimeSpan.FromSeconds(120), "the client never learned our relay and the exit from a consensus");
        Assert.True((await control.SendAsync($"SETCONF MiddleNodes=${fp} StrictNodes=1")).IsOk);
        try
        {
            Assert.True((await control.SendAsync("SIGNAL NEWNYM")).IsOk);
            await WaitAsync(async () => Middles(await CircuitStatusAsync(control)).Any(h => h.StartsWith("$" + fp, StringComparison.Ordinal)),
                TimeSpan.FromSeconds(90), "the client built no circuit with our relay as middle\n" + network.LogTail(client) + network.LogTail(ours));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(240));
            var result = await Socks5Download.GetAsync(client.SocksPort, "127.0.0.1", server.Port, timeout.Token);
            output.WriteLine($"{result.BodyBytes} bytes in {result.Elapsed.TotalSeconds:F1} s");
            Assert.Equal(FiftyMiB, result.BodyBytes);
            Assert.Equal(server.ExpectedSha256, result.Sha256);

            // The client's own view: a built circuit with our relay as its second hop.
            var middles = Middles(await CircuitStatusAsync(control));
            Assert.Contains(middles, hop => hop.StartsWith("$" + fp, StringComparison.Ordinal));
        }
        finally
        {
            await control.SendAsync("SETCONF MiddleNodes= StrictNodes=0");
        }
    }

    /// <summary>GETINFO circuit-status; empty while the client has no circuits.</summary>
    private static async Task<string> CircuitStatusAsync(ControlPortClient control)
    {
        try
        {
            return await control.GetInfoAsync("circuit-status");
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>Second hops of the client's built circuits of three or more hops, as "$FP~nick".</summary>
    private static List<string> Middles(string circuitStatus) =>
        circuitStatus.Split('\n')
            .Where(l => l.Contains(" BUILT ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')[2].Split(','))
            .Where(path => path.Length >= 3)
            .Select(path => path[1])
            .ToList();

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string failure)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, failure);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }
}
