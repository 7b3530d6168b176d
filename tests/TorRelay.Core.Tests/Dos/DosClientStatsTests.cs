using TorRelay.Core.Dos;

namespace TorRelay.Core.Tests.Dos;

/// <summary>cc_stats_refill_bucket, replaying C tor's test_dos.c "bucket_refill" with the default rate 3 and burst 90.</summary>
public class DosClientStatsTests
{
    private const int Rate = 3;
    private const int Burst = 90;

    private static void Drain(DosClientStats s, long now)
    {
        while (s.CircuitBucket > 0)
        {
            s.RefillCircuitBucket(now, Rate, Burst);
            s.CircuitBucket--;
        }
    }

    [Fact]
    public void CircuitBucket_RefillsAtRateCappedAtBurst_AndSurvivesClockJumps()
    {
        long now = DosTestClock.CTorTestStart;
        var s = new DosClientStats(40, 0);
        Assert.Equal(0u, s.CircuitBucket);

        // The first CREATE fills the bucket, then spends a token.
        s.RefillCircuitBucket(now, Rate, Burst);
        s.CircuitBucket--;
        Assert.Equal(89u, s.CircuitBucket);

        // 29 more in the same second: no refill.
        for (int i = 0; i < 29; i++)
        {
            s.RefillCircuitBucket(now, Rate, Burst);
            s.CircuitBucket--;
        }
        Assert.Equal(60u, s.CircuitBucket);

        s.RefillCircuitBucket(++now, Rate, Burst);
        Assert.Equal(63u, s.CircuitBucket);
        Drain(s, now);

        // A week later: no more than the burst.
        now += 604800;
        s.RefillCircuitBucket(now, Rate, Burst);
        Assert.Equal(90u, s.CircuitBucket);
        Drain(s, now);

        (long When, uint Expected)[] steps =
        [
            (int.MaxValue, Burst), // far forward
            (int.MinValue, Burst), // backwards: refill fully rather than punish the client for our clock
            (int.MinValue + 1L, Rate),
            (int.MaxValue, Burst),
            (long.MinValue, Burst),
            (long.MinValue + 1, Rate),
            (long.MinValue, Burst),
            (long.MaxValue, Burst), // the elapsed time overflows
        ];
        foreach (var (when, expected) in steps)
        {
            s.RefillCircuitBucket(when, Rate, Burst);
            Assert.Equal(expected, s.CircuitBucket);
            Drain(s, when);
            Assert.Equal(0u, s.CircuitBucket);
        }
    }

    [Fact]
    public void CircuitBucket_ShrinksToALoweredBurst()
    {
        var s = new DosClientStats(40, 0);
        s.RefillCircuitBucket(100, Rate, Burst);
        Assert.Equal(90u, s.CircuitBucket);

        s.RefillCircuitBucket(101, Rate, 10);

        Assert.Equal(10u, s.CircuitBucket);
    }

    [Fact]
    public void ConnectBucket_RefillsPerMonotonicSecondUpToBurst()
    {
        var s = new DosClientStats(40, 1000);
        s.ConnectTokens = 0;

        s.RefillConnectBucket(1001, 20, 40);
        Assert.Equal(20, s.ConnectTokens);
        s.RefillConnectBucket(1001, 20, 40);
        Assert.Equal(20, s.ConnectTokens);
        s.RefillConnectBucket(1010, 20, 40);
        Assert.Equal(40, s.ConnectTokens);
    }
}
