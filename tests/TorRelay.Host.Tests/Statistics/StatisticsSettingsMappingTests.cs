using TorRelay.Host.Config;

namespace TorRelay.Host.Tests.Statistics;

/// <summary>ExtraInfoStatistics and RelayBandwidthRate reach the extra-info bandwidth history as tor reads them.</summary>
public sealed class StatisticsSettingsMappingTests
{
    private const string Base = """
        TestingTorNetwork 1
        DirAuthority auth0 orport=5000 no-v2 v3ident=0000000000000000000000000000000000000000 127.0.0.1:5001 0000000000000000000000000000000000000000
        Nickname test
        DataDirectory /tmp/torrelay-statistics-mapping-test
        ORPort 127.0.0.1:9001
        Address 127.0.0.1

        """;

    private static Relay.RelaySettings Map(string lines) =>
        RelaySettingsMapper.Map(ConfigLoader.LoadFromString(Base + lines), new List<string>());

    [Fact]
    public void ByDefaultTheHistoryIsPublishedAndUncapped()
    {
        var s = Map("");
        Assert.True(s.ExtraInfoStatistics);
        Assert.Equal(0, s.RelayBandwidthRate);
    }

    [Fact]
    public void ExtraInfoStatisticsZeroAndARelayBandwidthRateAreCarriedOver()
    {
        var s = Map("ExtraInfoStatistics 0\nRelayBandwidthRate 100 KBytes\nRelayBandwidthBurst 200 KBytes\n");
        Assert.False(s.ExtraInfoStatistics);
        Assert.Equal(100 * 1024, s.RelayBandwidthRate);
    }
}
