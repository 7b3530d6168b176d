using System.Globalization;

namespace TorRelay.Interop;

/// <summary>
/// Our descriptor's observed bandwidth (bwhist_bandwidth_assess) turns non-zero once we carry traffic: under
/// TestingTorNetwork the current day's peak counts at once (TestingMinTimeToReportBandwidth 0), and a change from 0
/// rebuilds and uploads the descriptor (check_descriptor_bandwidth_changed).
/// </summary>
[Collection("TorNetwork")]
public sealed class ObservedBandwidthTests(TorNetworkFixture fixture)
{
    /// <summary>A minute for the next bandwidth check, plus the upload.</summary>
    private static readonly TimeSpan UploadDeadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task AuthorityLearnsANonZeroObservedBandwidth()
    {
        var network = fixture.Network;
        // Listed Running: the authorities' reachability tests have already sent us traffic.
        var ours = await network.WaitForRelayAsync(fixture.OurRelay.Nickname, ["Running", "Valid"],
            fixture.TimeLeft(TorNetworkFixture.ListingDeadline));
        await using var control = await network.ConnectControlAsync(network.Authorities[0]);

        var deadline = DateTimeOffset.UtcNow + UploadDeadline;
        string line;
        while ((line = BandwidthLine(await control.GetInfoAsync($"desc/id/{ours.Fingerprint}"))).EndsWith(" 0") &&
               DateTimeOffset.UtcNow < deadline)
            await Task.Delay(TimeSpan.FromSeconds(2));

        string[] parts = line.Split(' ');
        Assert.True(parts.Length == 4 && long.Parse(parts[3], CultureInfo.InvariantCulture) > 0, line);
    }

    private static string BandwidthLine(string descriptor) =>
        descriptor.Split('\n').FirstOrDefault(l => l.StartsWith("bandwidth ", StringComparison.Ordinal)) ?? "no bandwidth line";
}
