using Microsoft.Extensions.Logging;
using TorRelay.TestNet;

namespace TorRelay.NetBench;

/// <summary>
/// The private network for middle-relay comparisons: 3 C tor authorities, a C tor relay, a C tor exit, a C tor client
/// (conflux off, so a stream crosses exactly one middle) and our relay. The client's path can be pinned to
/// authority → middle → exit, so two runs differ only in the middle hop.
/// </summary>
public sealed class MiddleBenchNetwork : IAsyncDisposable
{
    private static readonly TimeSpan FingerprintTimeout = TimeSpan.FromSeconds(90);

    private MiddleBenchNetwork(TorNetwork network, ControlPortClient control, string guardFp, string exitFp,
        IReadOnlyList<Middle> middles)
    {
        Network = network;
        Control = control;
        GuardFp = guardFp;
        ExitFp = exitFp;
        Middles = middles;
    }

    /// <summary>One candidate middle hop: the process, its fingerprint, and the name printed in results.</summary>
    public sealed record Middle(TorNode Node, string Fingerprint, string Name);

    public TorNetwork Network { get; }
    public ControlPortClient Control { get; }
    public TorNode Client => Network.Client!;
    public string GuardFp { get; }
    public string ExitFp { get; }

    /// <summary>Our relay first, then the C tor relay.</summary>
    public IReadOnlyList<Middle> Middles { get; }

    public static async Task<MiddleBenchNetwork> StartAsync(string relayBinary, ILogger log, IReadOnlyList<string>? authorityExtraLines = null)
    {
        var network = await TorNetwork.StartAsync(new NetworkSpec
        {
            Authorities = 3, Relays = 1, Exits = 1, Client = true, OurRelayBinary = relayBinary,
            // One path per stream, so each download crosses exactly one middle relay.
            ClientExtraLines = ["ConfluxEnabled 0"],
            AuthorityExtraLines = authorityExtraLines ?? [],
        }, log);
        try
        {
            var ours = network.OurRelay!;
            var cMiddle = network.Relays.First(r => r.Role == NodeRole.Relay);
            string ourFp = await network.ResolveFingerprintAsync(ours, FingerprintTimeout);
            string cFp = await network.ResolveFingerprintAsync(cMiddle, FingerprintTimeout);
            string exitFp = await network.ResolveFingerprintAsync(network.Exits[0], FingerprintTimeout);
            // Same guard and exit for every run (an authority and the exit), so only the middle hop differs.
            string guardFp = await network.ResolveFingerprintAsync(network.Authorities[0], FingerprintTimeout);
            var control = await network.ConnectControlAsync(network.Client!);
            await Until(async () => await control.GetNetworkStatusAsync(ourFp) is not null && await control.GetNetworkStatusAsync(cFp) is not null
                                    && await control.GetNetworkStatusAsync(exitFp) is not null, TimeSpan.FromSeconds(180));
            // Our relay takes its consensus parameters (DoS defences, congestion control …) from its own consensus.
            await Until(() => Task.FromResult(LogFiles.ReadAll(ours.InfoLogPath).Contains("Verified consensus", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(120));
            return new MiddleBenchNetwork(network, control, guardFp, exitFp,
                [new Middle(ours, ourFp, "torrelay (ours)"), new Middle(cMiddle, cFp, "C tor 0.4.9")]);
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    /// <summary>Pins the client's path to guard → <paramref name="middle"/> → exit and waits for such a built circuit.</summary>
    public async Task PinMiddleAsync(Middle middle)
    {
        await Control.SendAsync($"SETCONF EntryNodes=${GuardFp} MiddleNodes=${middle.Fingerprint} ExitNodes=${ExitFp} StrictNodes=1");
        // Relays re-publish after their bandwidth self-test; the client may need a while to fetch the new descriptors.
        var lastNewnym = DateTimeOffset.MinValue;
        await Until(async () =>
        {
            if (DateTimeOffset.UtcNow - lastNewnym > TimeSpan.FromSeconds(15))
            {
                lastNewnym = DateTimeOffset.UtcNow;
                await Control.SendAsync("SIGNAL NEWNYM");
            }
            return (await CircuitStatus()).Split('\n').Any(l => l.Contains(" BUILT ") &&
                l.Split(' ')[2].Split(',') is { Length: >= 3 } p && p[1].StartsWith("$" + middle.Fingerprint));
        }, TimeSpan.FromSeconds(300));
    }

    private async Task<string> CircuitStatus()
    {
        try
        {
            return await Control.GetInfoAsync("circuit-status");
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static async Task Until(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException("the network did not get ready in time");
            await Task.Delay(1000);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Control.DisposeAsync();
        await Network.DisposeAsync();
    }
}
