using TorRelay.Relay.Bandwidth;

namespace TorRelay.Relay.Tests.Bandwidth;

public class ExtraInfoBandwidthHistoryTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 12, 34, 56, TimeSpan.Zero);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    [Fact]
    public void AFreshHistoryWritesNoLines()
    {
        var h = new ExtraInfoBandwidthHistory(Start);
        h.NoteTotals(Start.AddHours(23), 1_000_000, 2_000_000);
        Assert.Empty(h.GetBandwidthLines());
    }

    /// <summary>test_get_bandwidth_lines in C tor's src/test/test_stats.c.</summary>
    [Fact]
    public void FiveDaysOfHistoryAreWrittenAsCTorWritesThem()
    {
        var h = new ExtraInfoBandwidthHistory(Start);
        var now = Start;
        (ulong R, ulong W, ulong Dr, ulong Dw)[] days =
            [(5000, 5500, 3000, 3500), (50000, 55000, 30000, 35000), (25000, 27500, 15000, 17500),
             (90000, 76000, 60000, 45000), (500, 55000, 30000, 35000)];
        foreach (var d in days)
        {
            now += Day;
            Note(h, d.R, d.W, d.Dr, d.Dw, now - TimeSpan.FromHours(6));
        }
        Note(h, 0, 0, 0, 0, now);

        Assert.Equal(
        [
            "write-history 2030-01-06 12:34:56 (86400 s) 5120,54272,26624,75776,54272",
            "read-history 2030-01-06 12:34:56 (86400 s) 4096,49152,24576,89088,0",
            "dirreq-write-history 2030-01-06 12:34:56 (86400 s) 3072,34816,17408,44032,34816",
            "dirreq-read-history 2030-01-06 12:34:56 (86400 s) 2048,29696,14336,59392,29696",
        ], h.GetBandwidthLines());
    }

    [Fact]
    public void IPv6TrafficAlsoCountsTowardsAllTrafficAndLinesKeepCTorsOrder()
    {
        var h = new ExtraInfoBandwidthHistory(Start);
        h.NoteBytesRead(2048, Start.AddHours(1), ipv6: true);
        h.NoteBytesWritten(4096, Start.AddHours(1), ipv6: true);
        h.NoteDirBytesRead(1024, Start.AddHours(1));
        h.NoteDirBytesWritten(1024, Start.AddHours(1));
        h.NoteBytesRead(1024, Start + Day, ipv6: true);
        h.NoteBytesWritten(1024, Start + Day, ipv6: true);
        h.NoteDirBytesRead(0, Start + Day);
        h.NoteDirBytesWritten(0, Start + Day);

        Assert.Equal(
        [
            "write-history 2030-01-02 12:34:56 (86400 s) 4096",
            "read-history 2030-01-02 12:34:56 (86400 s) 2048",
            "ipv6-write-history 2030-01-02 12:34:56 (86400 s) 4096",
            "ipv6-read-history 2030-01-02 12:34:56 (86400 s) 2048",
            "dirreq-write-history 2030-01-02 12:34:56 (86400 s) 1024",
            "dirreq-read-history 2030-01-02 12:34:56 (86400 s) 1024",
        ], h.GetBandwidthLines());
    }

    [Fact]
    public void RunningTotalsAreNotedAsTheirGrowth()
    {
        var h = new ExtraInfoBandwidthHistory(Start);
        h.NoteTotals(Start.AddSeconds(1), 3000, 10_000);
        h.NoteTotals(Start.AddSeconds(2), 3000, 10_000); // idle: nothing noted
        h.NoteTotals(Start.AddHours(2), 5048, 12_048);
        h.NoteTotals(Start + Day, 5049, 12_049);

        Assert.Equal(
        [
            "write-history 2030-01-02 12:34:56 (86400 s) 11264",
            "read-history 2030-01-02 12:34:56 (86400 s) 4096",
        ], h.GetBandwidthLines());
    }

    [Fact]
    public void IdleArraysDoNotRollOverUntilTheyNoteBytes()
    {
        // C tor advances an array only when it notes bytes: a day with no directory requests commits nothing.
        var h = new ExtraInfoBandwidthHistory(Start);
        h.NoteDirBytesWritten(5000, Start.AddHours(1));
        h.NoteTotals(Start + 2 * Day, 2048, 2048);
        Assert.DoesNotContain(h.GetBandwidthLines(), l => l.StartsWith("dirreq-", StringComparison.Ordinal));

        h.NoteDirBytesWritten(1, Start + 2 * Day);
        Assert.Contains("dirreq-write-history 2030-01-03 12:34:56 (86400 s) 4096,0", h.GetBandwidthLines());
    }

    [Fact]
    public void RelayBandwidthRateCapsEachDay()
    {
        var h = new ExtraInfoBandwidthHistory(Start);
        h.NoteBytesWritten(200_000_000, Start.AddHours(1));
        h.NoteBytesWritten(1, Start + Day);
        Assert.Equal(["write-history 2030-01-02 12:34:56 (86400 s) 88473600"], h.GetBandwidthLines(relayBandwidthRate: 1024));
        Assert.Equal(["write-history 2030-01-02 12:34:56 (86400 s) 199999488"], h.GetBandwidthLines());
    }

    private static void Note(ExtraInfoBandwidthHistory h, ulong read, ulong written, ulong dirRead, ulong dirWritten,
        DateTimeOffset when)
    {
        h.NoteBytesRead(read, when);
        h.NoteBytesWritten(written, when);
        h.NoteDirBytesRead(dirRead, when);
        h.NoteDirBytesWritten(dirWritten, when);
    }
}
