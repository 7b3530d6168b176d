using TorRelay.Relay.Bandwidth;

namespace TorRelay.Relay.Tests.Bandwidth;

public class BandwidthChangeCheckTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan ThreeHours = TimeSpan.FromHours(3);

    /// <summary>test_router_check_descriptor_bandwidth_changed (C tor's src/test/test_router.c), step by step.</summary>
    [Fact]
    public void FollowsCTorsSequence()
    {
        var check = new BandwidthChangeCheck(testingTorNetwork: false);
        Assert.False(check.ShouldRebuild(Now, ThreeHours, published: 0, current: 0));
        Assert.True(check.ShouldRebuild(Now, ThreeHours, published: 10000, current: 0));
        Assert.False(check.ShouldRebuild(Now, ThreeHours, published: 10000, current: 0)); // changed too recently
        Assert.True(check.ShouldRebuild(Now + TimeSpan.FromHours(6) + TimeSpan.FromSeconds(1), ThreeHours, 10000, 20001));
        // Uptime of exactly a day still checks, but the last change was not 3 hours before.
        Assert.False(check.ShouldRebuild(Now, TimeSpan.FromDays(1), published: 10000, current: 0));
    }

    [Theory]
    [InlineData(10000, 20000, false)]
    [InlineData(10000, 20001, true)]
    [InlineData(10000, 5000, false)]
    [InlineData(10000, 4999, true)]
    [InlineData(0, 1, true)]
    [InlineData(1, 0, true)]
    public void OnlyAChangeByMoreThanAFactorOfTwoOrToOrFromZeroCounts(long published, long current, bool rebuild) =>
        Assert.Equal(rebuild, new BandwidthChangeCheck(false).ShouldRebuild(Now, ThreeHours, published, current));

    [Fact]
    public void AfterADayOfUptimeTheRegularRepublishIsEnough()
    {
        var check = new BandwidthChangeCheck(testingTorNetwork: true);
        Assert.False(check.ShouldRebuild(Now, TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1), published: 0, current: 50000));
    }

    [Fact]
    public void ATestingNetworkOrAZeroPublishedValueIsNotRateLimited()
    {
        var testing = new BandwidthChangeCheck(testingTorNetwork: true);
        Assert.True(testing.ShouldRebuild(Now, ThreeHours, published: 10000, current: 30000));
        Assert.True(testing.ShouldRebuild(Now.AddMinutes(1), ThreeHours, published: 30000, current: 90000));

        var real = new BandwidthChangeCheck(testingTorNetwork: false);
        Assert.True(real.ShouldRebuild(Now, ThreeHours, published: 10000, current: 0));
        Assert.True(real.ShouldRebuild(Now.AddMinutes(1), ThreeHours, published: 0, current: 10000));
        Assert.False(real.ShouldRebuild(Now.AddMinutes(2), ThreeHours, published: 10000, current: 0));
        Assert.True(real.ShouldRebuild(Now.AddMinutes(1) + ThreeHours + TimeSpan.FromSeconds(1), ThreeHours, 10000, 0));
    }
}
