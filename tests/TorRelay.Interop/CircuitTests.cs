
using TorRelay.TestNet;
using Xunit.Abstractions;

namespace TorRelay.Interop;

/// <summary>A C tor client carries real traffic through circuits that use our relay.</summary>
[Collection("TorNetwork")]
public sealed class CircuitTests(TorNetworkFixture fixture, ITestOutputHelper output)
{
    private const long FiftyMiB = 50L * 1024 * 1024;

    [Fact]
    public Task ClientDownloadsFiftyMiBThroughOurRelayAsMiddle() => DownloadThroughOurRelayAsync("MiddleNodes", hop: 1);


    /// <summary>A guard must be a directory cache (C tor's node_is_possible_guard): this also exercises BEGIN_DIR.</summary>
    [Fact]
    public Task ClientDownloadsFiftyMiBThroughOurRelayAsGuard() => DownloadThroughOurRelayAsync("EntryNodes", hop: 0);

    private async Task DownloadThroughOurRelayAsync(string option, int hop)
    {
        var network = fixture.Network;
        var ours = fixture.OurRelay;
        var client = network.Client!;
        string fp = await network.ResolveFingerprintAsync(ours, TimeSpan.FromSeconds(60));
        await network.WaitForRelayAsync(ours.Nickname, hop == 0 ? ["Running", "Valid", "Guard", "V2Dir"] : ["Running", "Valid"],
            TimeSpan.FromSeconds(150));
        await network.WaitForClientBootstrapAsync(TimeSpan.FromSeconds(120));
        await using var server = new BulkHttpServer(FiftyMiB);
        await using var control = await network.ConnectControlAsync(client);
        // The authorities listing us is not enough: the client must have fetched a consensus with us and the exit.
        var exitFp = await network.ResolveFingerprintAsync(network.Exits[0], TimeSpan.FromSeconds(60));
        await WaitAsync(async () => await control.GetNetworkStatusAsync(fp) is not null
                                    && await control.GetNetworkStatusAsync(exitFp) is not null,
            TimeSpan.FromSeconds(120), "the client never learned our relay and the exit from a consensus");
        // As middle, the guard is pinned to an authority: the client's own guard choice may be our relay, and a
        // middle equal to the guard is no path at all.
        string pin = hop == 1
            ? $" EntryNodes=${await network.ResolveFingerprintAsync(network.Authorities[0], TimeSpan.FromSeconds(30))}"
            : "";
        // Our relay is also an exit for 127.0.0.1, where every relay lives: C tor sends a stream to a relay's own
        // address to that relay as exit ("exit enclave"), whichever it finds first. Here it must be the C tor exit.
        Assert.True((await control.SendAsync($"SETCONF {option}=${fp}{pin} ExcludeExitNodes=${fp} StrictNodes=1")).IsOk);
        try
        {
            Assert.True((await control.SendAsync("SIGNAL NEWNYM")).IsOk);
            await WaitAsync(async () => Hops(await CircuitStatusAsync(control), hop).Any(h => h.StartsWith("$" + fp, StringComparison.Ordinal)),
                TimeSpan.FromSeconds(120), $"the client built no circuit with our relay at hop {hop + 1}\n" + network.LogTail(client) + network.LogTail(ours));
            var result = await ClientStreams.RunAsync(network, ct => Socks5Download.GetAsync(client.SocksPort, "127.0.0.1", server.Port, ct),
                TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(150));
            output.WriteLine($"{option}: {result.BodyBytes} bytes in {result.Elapsed.TotalSeconds:F1} s");
            Assert.Equal(FiftyMiB, result.BodyBytes);
            Assert.Equal(server.ExpectedSha256, result.Sha256);

            // The client's own view: a built circuit with our relay in that position.
            Assert.Contains(Hops(await CircuitStatusAsync(control), hop), h => h.StartsWith("$" + fp, StringComparison.Ordinal));
        }
        finally
        {
            await control.SendAsync($"SETCONF {option}= EntryNodes= ExcludeExitNodes= StrictNodes=0");
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

    /// <summary>The hop at <paramref name="index"/> of the client's built circuits of three or more hops, as "$FP~nick".</summary>
    private static List<string> Hops(string circuitStatus, int index) =>
        circuitStatus.Split('\n')
            .Where(l => l.Contains(" BUILT ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')[2].Split(','))
            .Where(path => path.Length >= 3)
            .Select(path => path[index])
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
