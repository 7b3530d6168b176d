using TorRelay.Host.Config;

namespace TorRelay.Host.Tests.Statistics;

/// <summary>TestingMinTimeToReportBandwidth as tor reads it (config.c, testnet.inc) and as it reaches the relay.</summary>
public sealed class ObservedBandwidthSettingsTests
{
    private const string Relay = "ORPort 127.0.0.1:9001\nAddress 127.0.0.1\nDataDirectory /tmp/torrelay-observed-test\n";

    private static RelayOptions Load(string torrc) => ConfigLoader.LoadFromString(torrc, "relay.conf");

    [Fact]
    public void ADayOutsideATestingNetwork()
    {
        var s = RelaySettingsMapper.Map(Load(Relay), new List<string>());
        Assert.Equal(TimeSpan.FromDays(1), s.TestingMinTimeToReportBandwidth);
    }

    [Fact]
    public void ZeroInATestingNetwork() =>
        Assert.Equal(TimeSpan.Zero, MappedSettings.Of("").TestingMinTimeToReportBandwidth);

    [Fact]
    public void ATestingNetworkMayChooseItsOwn() =>
        Assert.Equal(TimeSpan.FromHours(2),
            MappedSettings.Of("TestingMinTimeToReportBandwidth 2 hours\n").TestingMinTimeToReportBandwidth);

    [Fact]
    public void OutsideATestingNetworkOnlyTheDefaultIsAccepted()
    {
        var e = Assert.Throws<ConfigException>(() => Load(Relay + "TestingMinTimeToReportBandwidth 0 seconds\n"));
        Assert.Equal("relay.conf:4: TestingMinTimeToReportBandwidth may only be changed in testing Tor networks!", e.Message);
        Assert.Equal(TimeSpan.FromDays(1), Load(Relay + "TestingMinTimeToReportBandwidth 24 hours\n").TestingMinTimeToReportBandwidth);
    }
}
