namespace TorRelay.Interop;

[Collection("TorNetwork")]
public sealed class ConsensusListingTests(TorNetworkFixture fixture)
{
    [Fact]
    public async Task OurRelayIsListedRunningAndValid()
    {
        var network = fixture.Network;
        var entry = await network.WaitForRelayAsync(fixture.OurRelay.Nickname, ["Running", "Valid"],
            fixture.TimeLeft(TorNetworkFixture.ListingDeadline));

        Assert.Equal("127.0.0.1", entry.Address);
        Assert.Equal(fixture.OurRelay.OrPort, entry.OrPort);
        Assert.Matches("^[0-9A-F]{40}$", entry.Fingerprint);
        Assert.DoesNotContain(network.Nodes, n => n != fixture.OurRelay && n.Fingerprint == entry.Fingerprint);
    }
}
