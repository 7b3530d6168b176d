using TorRelay.Relay;

namespace TorRelay.Relay.Tests.Bandwidth;

public class BandwidthHistoryTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ObservedIsTheLesserOfTheReadAndWritePeaksOverTenSeconds()
    {
        var h = new BandwidthHistory();
        long read = 0, written = 0;
        // 30 s at 1,000,000 B/s read and 800,000 B/s written, then 30 s idle.
        for (int s = 0; s <= 60; s++)
        {
            h.Sample(Start.AddSeconds(s), read, written);
            if (s < 30)
            {
                read += 1_000_000;
                written += 800_000;
            }
        }
        Assert.InRange(h.Observed, 790_000, 810_000);
    }

    [Fact]
    public void ShortBurstsBelowTenSecondsAreAveragedDown()
    {
        var h = new BandwidthHistory();
        long total = 0;
        for (int s = 0; s <= 30; s++)
        {
            h.Sample(Start.AddSeconds(s), total, total);
            if (s == 5) total += 5_000_000; // one second at 5 MB/s
        }
        Assert.InRange(h.Observed, 450_000, 550_000); // 5 MB over a 10 s window
    }

    [Fact]
    public void PeaksOlderThanADayAreForgotten()
    {
        var h = new BandwidthHistory();
        long total = 0;
        for (int s = 0; s <= 20; s++)
        {
            h.Sample(Start.AddSeconds(s), total, total);
            total += 100_000;
        }
        Assert.True(h.Observed > 0);
        var later = Start.AddDays(1);
        for (int s = 0; s <= 20; s++) h.Sample(later.AddSeconds(s), total, total);
        // Every slot written a day ago is overwritten by the idle samples of its new window.
        Assert.Equal(0, h.Observed);
    }
}
