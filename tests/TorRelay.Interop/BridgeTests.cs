using TorRelay.TestNet;

namespace TorRelay.Interop;

/// <summary>
/// Our relay run with BridgeRelay 1 is not published to the authorities, and a C tor client whose only bridge it is
/// (UseBridges 1) gets all its directory information through our directory cache (our descriptor via
/// /tor/server/authority, the consensus and microdescriptors over BEGIN_DIR), bootstraps to 100 % and builds its
/// circuits through us.
/// </summary>
/// <remarks>
/// It downloads nothing: a bridge client must use microdescriptors, and the test exits' "accept 127.0.0.1:*" policy
/// summarises to reject-all in microdescriptors (see shared TESTNET notes), so no stream would be attached. Widening
/// the exit policy to the world is not an option in tests.
/// </remarks>
[Collection("TorNetwork")]
public sealed class BridgeTests(TorNetworkFixture fixture)
{
    [Fact]
    public async Task CTorClientBootstrapsAndBuildsCircuitsThroughOurRelayAsItsBridge()
    {
        var network = fixture.Network;
        var ours = network.OurBridge!;
        var client = network.BridgeClient!;
        string fp = await network.ResolveFingerprintAsync(ours, TimeSpan.FromSeconds(90));
        await using var control = await network.ConnectControlAsync(client);

        // Bring the client online once our bridge's directory cache holds a consensus.
        var ready = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(150);
        while (!LogFiles.ReadAll(ours.InfoLogPath).Contains("Directory cache: microdesc consensus 2", StringComparison.Ordinal))
        {
            Assert.True(DateTimeOffset.UtcNow < ready, "our bridge's directory cache never got a consensus\n" + network.LogTail(ours));
            await Task.Delay(1000);
        }
        Assert.True((await control.SendAsync("SETCONF DisableNetwork=0")).IsOk);

        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(150);
        string phase = "";
        while (DateTimeOffset.UtcNow < deadline)
        {
            phase = await control.GetInfoAsync("status/bootstrap-phase");
            if (phase.Contains("PROGRESS=100", StringComparison.Ordinal)) break;
            await Task.Delay(1000);
        }
        Assert.True(phase.Contains("PROGRESS=100", StringComparison.Ordinal),
            $"the bridge client did not bootstrap through our relay: {phase}\n{network.LogTail(client)}\n{network.LogTail(ours)}");

        bool throughUs = false;
        while (!throughUs && DateTimeOffset.UtcNow < deadline)
        {
            string circuits;
            try
            {
                circuits = await control.GetInfoAsync("circuit-status");
            }
            catch (IOException)
            {
                circuits = "";
            }
            throughUs = circuits.Split('\n').Any(l => l.Contains(" BUILT ", StringComparison.Ordinal)
                                                     && l.Split(' ')[2].StartsWith("$" + fp, StringComparison.Ordinal));
            if (!throughUs) await Task.Delay(1000);
        }
        Assert.True(throughUs, $"the bridge client built no circuit through our relay\n{network.LogTail(client)}");

        // A bridge is not published: the consensus does not list it, and it says why.
        var consensus = await network.FetchConsensusAsync();
        Assert.Null(consensus.FindByFingerprint(fp));
        Assert.Contains("BridgeRelay 1 and no bridge authority configured: not publishing", LogFiles.ReadAll(ours.NoticeLogPath));
    }
}
