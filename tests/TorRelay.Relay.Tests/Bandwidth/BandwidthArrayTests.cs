using TorRelay.Relay.Bandwidth;

namespace TorRelay.Relay.Tests.Bandwidth;

/// <summary>C tor's bw_array cases (src/test/test_stats.c: test_add_obs, test_advance_obs, test_commit_max,
/// test_fill_bandwidth_history), driven through <see cref="BandwidthArray.Add"/>.</summary>
public class BandwidthArrayTests
{
    private const long Start = 1_900_000_000;
    private const int Day = BandwidthArray.IntervalSeconds;

    [Fact]
    public void ObservationsInThePastAreIgnoredAndANewDayStartsAFreshTotal()
    {
        var b = new BandwidthArray(Start);
        b.Add(Start - 1, 1000);
        Assert.Equal(Start, b.CurrentObservationTime);
        Assert.Equal(0UL, b.TotalInPeriod);

        b.Add(Start + 53, 97);
        b.Add(Start + 53 + 3600, 90);
        Assert.Equal(Start + 53 + 3600, b.CurrentObservationTime);
        Assert.Equal(187UL, b.TotalInPeriod);

        b.Add(Start + 53 + 3600 + Day, 100);
        Assert.Equal(100UL, b.TotalInPeriod);
        Assert.Equal(1, b.PeriodsCommitted);
        Assert.Equal(Start + 2 * Day, b.NextPeriod);
        Assert.Equal([187UL & ~0x3FFUL], b.History());
    }

    [Fact]
    public void TheMaximumIsTheLargestTenSecondSum()
    {
        var b = new BandwidthArray(Start);
        for (int s = 0; s < 10; s++) b.Add(Start + s, 10);
        b.Add(Start + 10, 0);
        Assert.Equal(100UL, b.MaxInPeriod);
        b.Add(Start + 20, 5); // ten quiet seconds do not lower this period's maximum
        Assert.Equal(100UL, b.MaxInPeriod);

        b.Add(Start + Day, 0);
        Assert.Equal([100UL], b.Maxima());
        Assert.Equal(0UL, b.MaxInPeriod);
    }

    [Fact]
    public void NothingIsReportedBeforeTheFirstDayEnds()
    {
        var b = new BandwidthArray(Start);
        b.Add(Start + Day - 1, 5000);
        Assert.Empty(b.History());
        b.Add(Start + Day, 0);
        Assert.Equal([4096UL], b.History());
    }

    [Fact]
    public void HistoryIsOldestFirstRoundedDownToKibibytes()
    {
        Assert.Equal([0UL], WithPeriods(1000).History());
        Assert.Equal([0UL, 1024], WithPeriods(1000, 1500).History());
        Assert.Equal([0UL, 1024, 3072], WithPeriods(1000, 1500, 3500).History());
        Assert.Equal([0UL, 1024, 3072, 7168], WithPeriods(1000, 1500, 3500, 8000).History());
        Assert.Equal([0UL, 1024, 3072, 7168, 5120], WithPeriods(1000, 1500, 3500, 8000, 6000).History());
    }

    [Fact]
    public void OnlyTheLastFiveDaysAreKept()
    {
        var b = WithPeriods(1000, 1500, 3500, 8000, 6000, 10000);
        Assert.Equal([1024UL, 3072, 7168, 5120, 9216], b.History());
        Assert.Equal(Start + 7 * Day, b.NextPeriod);
    }

    [Fact]
    public void TotalsAreCappedAtTheCutoffAfterRounding()
    {
        // RelayBandwidthRate 1024: the cutoff is 1024 * 86400 = 88473600 (test_fill_bandwidth_history).
        var b = WithPeriods(10000, 8000, 6000, 88573600, 88473600);
        Assert.Equal([9216UL, 7168, 5120, 88473600, 88473600], b.History(1024UL * Day));
    }

    [Fact]
    public void AQuietGapCommitsEmptyDays()
    {
        var b = new BandwidthArray(Start);
        b.Add(Start + 10, 4096);
        b.Add(Start + 3 * Day + 10, 1);
        Assert.Equal([4096UL, 0, 0], b.History());
        Assert.Equal(Start + 4 * Day, b.NextPeriod);
    }

    /// <summary>test_relay_append_cell_to_circuit_queue (C tor's src/test/test_relay.c): two cells plus TLS overhead.</summary>
    [Fact]
    public void ACommittedPeriodsMaximumIsTheLargestEvenWithADayOfMinimumObservation()
    {
        var b = new BandwidthArray(Start);
        b.Add(Start, 2 * (514 + 29));
        Assert.Equal(0UL, b.LargestMax(Day));
        b.Add(Start + Day, 0);
        Assert.Equal(1086UL, b.LargestMax(Day));
    }

    [Fact]
    public void TheCurrentPeriodsMaximumCountsOnlyAfterTheMinimumObservationTime()
    {
        var b = new BandwidthArray(Start);
        b.Add(Start + 5, 700);
        b.Add(Start + 3600, 1);
        Assert.Equal(700UL, b.LargestMax(0));
        Assert.Equal(700UL, b.LargestMax(3599));
        Assert.Equal(0UL, b.LargestMax(3600)); // find_largest_max wants strictly more than the minimum
    }

    [Fact]
    public void TheLargestMaxIsTakenOverTheCommittedPeriodsAndTheCurrentOne()
    {
        var b = new BandwidthArray(Start);
        b.Add(Start + 10, 300);
        b.Add(Start + Day + 10, 900);
        b.Add(Start + 2 * Day + 10, 200);
        b.Add(Start + 2 * Day + 7200, 5000);
        b.Add(Start + 2 * Day + 7201, 0);
        Assert.Equal([300UL, 900], b.Maxima());
        Assert.Equal(900UL, b.LargestMax(Day));
        Assert.Equal(5000UL, b.LargestMax(3600));
    }

    /// <summary>An array whose committed days carried <paramref name="totals"/>, in order.</summary>
    private static BandwidthArray WithPeriods(params ulong[] totals)
    {
        var b = new BandwidthArray(Start);
        for (int day = 0; day < totals.Length; day++) b.Add(Start + day * Day + 3600, totals[day]);
        b.Add(Start + totals.Length * Day, 0);
        return b;
    }
}
