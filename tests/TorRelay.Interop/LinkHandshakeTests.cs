using System.Text;
using TorRelay.TestNet;

namespace TorRelay.Interop;

[Collection("TorNetwork")]
public sealed class LinkHandshakeTests(TorNetworkFixture fixture)
{
    /// <summary>Authorities test reachability at once, and our relay connects out after its first consensus.</summary>
    private static readonly TimeSpan LinkDeadline = TimeSpan.FromSeconds(240);

    [Fact]
    public async Task AuthenticatedLinksInBothDirections()
    {
        var network = fixture.Network;
        var ours = fixture.OurRelay;
        string ourFp = await network.ResolveFingerprintAsync(ours, Floor(fixture.TimeLeft(TorNetworkFixture.ListingDeadline)));
        // C tor relays and authorities: they run link handshakes with our relay (the client has no ORPort).
        var peers = network.Nodes.Where(n => n.IsCTor && n != ours && n.Role is not (NodeRole.Client or NodeRole.BridgeClient)).ToList();
        var peerFps = peers.Select(p => p.Fingerprint!).ToHashSet();

        string? cTorSawUs = null;
        HashSet<string> inbound = [], outbound = [];
        var orconns = new StringBuilder();
        var deadline = DateTimeOffset.UtcNow + Floor(fixture.TimeLeft(LinkDeadline));
        while (true)
        {
            orconns.Clear();
            foreach (var peer in peers)
            {
                await using var control = await network.ConnectControlAsync(peer);
                var status = await control.GetOrConnStatusAsync();
                orconns.Append($"\n  {peer.Nickname}: {string.Join(" | ", status.Select(s => $"{s.Target} {s.Status}"))}");
                if (cTorSawUs is null && status.Any(s => s.Fingerprint == ourFp && s.IsConnected))
                    cTorSawUs = peer.Nickname;
            }
            (inbound, outbound) = LinkEvidence.AuthenticatedPeers(ours.NoticeLogPath);
            inbound.IntersectWith(peerFps);
            outbound.IntersectWith(peerFps);
            if ((cTorSawUs is not null && inbound.Count > 0 && outbound.Count > 0) || DateTimeOffset.UtcNow > deadline)
                break;
            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        Assert.True(cTorSawUs is not null,
            $"no C tor relay or authority lists ${ourFp} as CONNECTED in orconn-status:{orconns}\n{network.LogTail(ours)}");
        Assert.True(inbound.Count > 0,
            $"our relay logged no 'Channel open: peer $FP inbound, authenticated' for a C tor peer\n{network.LogTail(ours)}");
        Assert.True(outbound.Count > 0,
            $"our relay logged no 'Channel open: peer $FP outbound, authenticated' for a C tor peer\n{network.LogTail(ours)}");

        var warnings = network.CTorNodes.Where(n => n != ours)
            .SelectMany(n => LinkEvidence.WarningsAbout(n.NoticeLogPath, ours.Nickname, ourFp, ours.OrPort)
                .Select(l => $"{n.Nickname}: {l}"))
            .ToList();
        Assert.True(warnings.Count == 0, "C tor warned about our relay:\n" + string.Join("\n", warnings));
    }

    private static TimeSpan Floor(TimeSpan left) => left < TimeSpan.FromSeconds(10) ? TimeSpan.FromSeconds(10) : left;
}
