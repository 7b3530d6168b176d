using TorRelay.Relay.Bandwidth;

namespace TorRelay.Relay.Tests.Bandwidth;

/// <summary>The descriptor's observed bandwidth as bwhist_bandwidth_assess computes it.</summary>
public class ObservedBandwidthTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 12, 34, 56, TimeSpan.Zero);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    [Fact]
    public void ARelayYoungerThanTheMinimumReportsZero()
    {
        var h = WithTraffic(Start, 1_000_000, 800_000);
        h.NoteTotals(Start.AddHours(23), 10_000_002, 8_000_002);
        Assert.Equal(0, h.Assess(Day));
        Assert.Equal(0, h.Assess(TimeSpan.FromHours(23)));
    }

    [Fact]
    public void WithNoMinimumTheCurrentPeakIsReportedAtOnce()
    {
        var h = WithTraffic(Start, 1_000_000, 800_000);
        Assert.Equal(800_000, h.Assess(TimeSpan.Zero));
    }

    [Fact]
    public void TheCurrentPeakCountsOnceTheDayIsOlderThanTheMinimum()
    {
        var h = WithTraffic(Start, 1_000_000, 800_000);
        h.NoteTotals(Start.AddHours(2), 10_000_002, 8_000_002);
        Assert.Equal(0, h.Assess(TimeSpan.FromHours(3)));
        Assert.Equal(800_000, h.Assess(TimeSpan.FromHours(1)));
    }

    [Fact]
    public void ACommittedDayCountsEvenWithTheFullMinimum()
    {
        var h = WithTraffic(Start, 1_000_000, 800_000);
        h.NoteTotals(Start + Day + TimeSpan.FromSeconds(5), 10_000_002, 8_000_002);
        Assert.Equal(800_000, h.Assess(Day));
    }

    [Fact]
    public void TheLesserOfReadAndWrittenIsReported()
    {
        var h = WithTraffic(Start, 300_000, 900_000);
        Assert.Equal(300_000, h.Assess(TimeSpan.Zero));
    }

    [Fact]
    public void ShortBurstsAreAveragedOverTenSeconds()
    {
        var h = new ExtraInfoBandwidthHistory(Start);
        h.NoteTotals(Start.AddSeconds(1), 5_000_000, 5_000_000);
        h.NoteTotals(Start.AddSeconds(30), 5_000_001, 5_000_001);
        Assert.Equal(500_000, h.Assess(TimeSpan.Zero));
    }

    /// <summary>A history with ten seconds at the given rates from <paramref name="start"/>, then one more byte each way.</summary>
    private static ExtraInfoBandwidthHistory WithTraffic(DateTimeOffset start, long readRate, long writeRate)
    {
        var h = new ExtraInfoBandwidthHistory(start);
        for (int s = 1; s <= 10; s++)
            h.NoteTotals(start.AddSeconds(s), readRate * s, writeRate * s);
        // Time moves on only when bytes are noted: the last full second counts once the next one is seen.
        h.NoteTotals(start.AddSeconds(11), 10 * readRate + 1, 10 * writeRate + 1);
        return h;
    }
}
