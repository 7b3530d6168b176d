namespace TorRelay.Host.Tests.Statistics;

/// <summary>ExtraInfoStatistics, PaddingStatistics and RelayBandwidthRate reach the extra-info statistics as tor reads them.</summary>
public sealed class StatisticsSettingsMappingTests
{
    private static Relay.RelaySettings Map(string lines) => MappedSettings.Of(lines);

    [Fact]
    public void ByDefaultTheHistoryIsPublishedAndUncapped()
    {
        var s = Map("");
        Assert.True(s.ExtraInfoStatistics);
        Assert.True(s.PaddingStatistics);
        Assert.Equal(0, s.RelayBandwidthRate);
    }

    [Fact]
    public void PaddingStatisticsZeroIsCarriedOver()
    {
        var s = Map("PaddingStatistics 0\n");
        Assert.False(s.PaddingStatistics);
        Assert.True(s.ExtraInfoStatistics);
    }

    [Fact]
    public void ExtraInfoStatisticsZeroAndARelayBandwidthRateAreCarriedOver()
    {
        var s = Map("ExtraInfoStatistics 0\nRelayBandwidthRate 100 KBytes\nRelayBandwidthBurst 200 KBytes\n");
        Assert.False(s.ExtraInfoStatistics);
        Assert.Equal(100 * 1024, s.RelayBandwidthRate);
    }
}
