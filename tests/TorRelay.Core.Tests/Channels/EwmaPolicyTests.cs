using TorRelay.Core.Channels;

namespace TorRelay.Core.Tests.Channels;

public sealed class EwmaPolicyTests
{
    [Fact]
    public void The_default_scale_factor_halves_a_count_every_30_seconds_of_10_second_ticks()
    {
        var policy = new EwmaPolicy(new ManualClock());

        Assert.Equal(TimeSpan.FromSeconds(30), policy.Halflife);
        Assert.Equal(Math.Pow(0.5, 1.0 / 3), policy.ScaleFactor, 12);
    }

    [Fact]
    public void A_consensus_halflife_changes_the_scale_factor_and_zero_means_the_default()
    {
        var policy = new EwmaPolicy(new ManualClock());

        policy.SetHalflife(TimeSpan.FromMilliseconds(10_000));
        Assert.Equal(0.5, policy.ScaleFactor, 12);

        policy.SetHalflife(TimeSpan.Zero);
        Assert.Equal(EwmaPolicy.DefaultHalflife, policy.Halflife);
    }
}
