using TorRelay.Core.Circuits;
using static TorRelay.Core.Circuits.MaxMemInQueues;

namespace TorRelay.Core.Tests.Circuits;

/// <summary>C tor's test_config_compute_max_mem_in_queues (src/test/test_config.c), 64-bit.</summary>
public sealed class MaxMemInQueuesTests
{
    public static TheoryData<long?, long> AutomaticCases => new()
    {
        { null, 8 * OneGigabyte },                      // memory unknown
        { OneGigabyte, 3 * (OneGigabyte / 4) },         // 0.75 * RAM
        { 256 * OneMegabyte, 256 * OneMegabyte },       // never below 256 MB
        { 8 * OneGigabyte, 2 * (8 * OneGigabyte / 5) }, // 0.4 * RAM from 8 GB
        { 16 * OneGigabyte, 2 * (16 * OneGigabyte / 5) },
        { 32 * OneGigabyte, MaxDefault },               // at most 8 GB
    };

    [Theory]
    [MemberData(nameof(AutomaticCases))]
    public void Zero_picks_a_value_from_system_memory(long? systemMemory, long expected)
    {
        Assert.Equal(expected, Compute(0, isServer: false, systemMemory, out _));
    }

    [Fact]
    public void A_relay_may_not_go_below_64_MB_and_is_warned_below_256_MB()
    {
        Assert.Equal(MinServer, Compute(OneMegabyte, isServer: true, OneGigabyte, out var raised));
        Assert.NotNull(raised);

        Assert.Equal(100 * OneMegabyte, Compute(100 * OneMegabyte, isServer: true, OneGigabyte, out var low));
        Assert.NotNull(low);

        Assert.Equal(OneGigabyte, Compute(OneGigabyte, isServer: true, OneGigabyte, out var fine));
        Assert.Null(fine);
    }
}
