using TorRelay.Core.Channels.Padding;

namespace TorRelay.Core.Tests.Channels.Padding;

public sealed class PaddingPolicyTests
{
    private static PaddingPolicy Policy(PaddingParameters? p, params ulong[] draws) =>
        new(new SteppedTimeProvider(), new ScriptedRandom(draws), parameters: p);

    [Fact]
    public void Timeout_is_low_plus_the_larger_of_two_uniform_draws()
    {
        // Range 9500 - 1500 = 8000: draws 100 and 7000 (mod 8000) give 1500 + 7000; the order does not matter.
        Assert.Equal(8500, Policy(null, 100, 7000).DrawTimeoutMs(0, 0));
        Assert.Equal(8500, Policy(null, 7000, 100).DrawTimeoutMs(0, 0));
        Assert.Equal(1500 + 8000 - 1, Policy(null, 8000 - 1, 0).DrawTimeoutMs(0, 0));
        Assert.Equal(1500, Policy(null, 8000, 16000).DrawTimeoutMs(0, 0));
    }

    [Fact]
    public void Consensus_zero_range_turns_padding_off_and_an_empty_range_gives_low()
    {
        Assert.Equal(0, Policy(new PaddingParameters(0, 0)).DrawTimeoutMs(0, 0));
        Assert.Equal(5000, Policy(new PaddingParameters(5000, 5000)).DrawTimeoutMs(0, 0));
    }

    [Fact]
    public void Negotiated_bounds_only_raise_the_consensus_ones()
    {
        // START 9000-14000 (the reduced defaults): range [9000, 14000).
        Assert.Equal(9000 + 4999, Policy(null, 4999, 3).DrawTimeoutMs(9000, 14000));
        // Lower than the consensus: the consensus bounds stay.
        Assert.Equal(1500 + 7999, Policy(null, 7999, 0).DrawTimeoutMs(100, 200));
        // Only one bound negotiated (0 for the other): ignored, as C tor does.
        Assert.Equal(1500, Policy(null, 0, 0).DrawTimeoutMs(9000, 0));
    }

    [Fact]
    public void Consensus_parameters_have_tor_defaults_and_ranges()
    {
        Assert.Equal(PaddingParameters.Default, PaddingParameters.FromConsensus(null));
        Assert.Equal(new PaddingParameters(1500, 9500, 9000, 14000, false), PaddingParameters.FromConsensus(new Dictionary<string, int>()));
        var p = PaddingParameters.FromConsensus(new Dictionary<string, int>
        {
            ["nf_ito_low"] = 70000, ["nf_ito_high"] = 10, ["nf_ito_low_reduced"] = -5, ["nf_ito_high_reduced"] = 99999,
            ["nf_pad_relays"] = 7,
        });
        Assert.Equal(new PaddingParameters(60000, 60000, 0, 60000, true), p);
        Assert.Equal(new PaddingParameters(2000, 3000, 9000, 14000, false),
            PaddingParameters.FromConsensus(new Dictionary<string, int> { ["nf_ito_low"] = 2000, ["nf_ito_high"] = 3000 }));
    }
}
