using TorRelay.Core.Channels.Padding;
using TorRelay.Relay.Stats;

namespace TorRelay.Relay.Tests.Stats;

/// <summary>The padding-counts extra-info line (dir-spec §2.1.2) as C tor's rephist.c publishes it, once a day.</summary>
public sealed class PaddingCountsReportTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 12, 34, 56, TimeSpan.Zero);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private static void Count(PaddingCounts counts, int read, int readPad, int written, int writtenPad, bool enabled)
    {
        for (int i = 0; i < read; i++) counts.CountRead(i < readPad, enabled);
        for (int i = 0; i < written; i++) counts.CountWritten(i < writtenPad, enabled);
    }

    [Theory]
    [InlineData(0UL, 0UL)]
    [InlineData(1UL, 10_000UL)]
    [InlineData(9_999UL, 10_000UL)]
    [InlineData(10_000UL, 10_000UL)]
    [InlineData(10_001UL, 20_000UL)]
    [InlineData(123_456_789UL, 123_460_000UL)]
    [InlineData(ulong.MaxValue - 9_999, 18_446_744_073_709_550_000UL)]
    [InlineData(ulong.MaxValue - 9_998, ulong.MaxValue)] // no next multiple: C tor saturates
    public void Counts_are_rounded_up_to_the_next_multiple_of_the_bin_size(ulong count, ulong published) =>
        Assert.Equal(published, PaddingCountsReport.Round(count));

    [Fact]
    public void The_line_has_C_tors_keys_in_C_tors_order_with_rounded_counts_and_an_unrounded_timer_maximum()
    {
        var c = new PaddingCountsSnapshot(WriteDrop: 0, WritePad: 10_000, WriteTotal: 10_001, ReadDrop: 3, ReadPad: 42,
            ReadTotal: 987_654, EnabledReadPad: 41, EnabledReadTotal: 500_000, EnabledWritePad: 9_999,
            EnabledWriteTotal: 9_999, MaxChanpadTimers: 17);

        Assert.Equal(
            "padding-counts 2030-01-02 12:34:56 (86400 s) bin-size=10000 write-drop=0 write-pad=10000 write-total=20000" +
            " read-drop=10000 read-pad=10000 read-total=990000 enabled-read-pad=10000 enabled-read-total=500000" +
            " enabled-write-pad=10000 enabled-write-total=10000 max-chanpad-timers=17",
            PaddingCountsReport.Format(c, Start + Day));
    }

    [Fact]
    public void A_period_without_cells_read_or_without_cells_written_publishes_nothing()
    {
        Assert.Null(PaddingCountsReport.Format(new PaddingCountsSnapshot(0, 0, WriteTotal: 5, 0, 0, ReadTotal: 0, 0, 0, 0, 0, 0), Start));
        Assert.Null(PaddingCountsReport.Format(new PaddingCountsSnapshot(0, 0, WriteTotal: 0, 0, 0, ReadTotal: 5, 0, 0, 0, 0, 0), Start));
    }

    [Fact]
    public void The_first_line_comes_a_day_after_startup_and_covers_that_day()
    {
        var counts = new PaddingCounts();
        var report = new PaddingCountsReport(counts, Start);
        Count(counts, read: 12_345, readPad: 20, written: 23_456, writtenPad: 30, enabled: true);

        report.Tick(Start + Day - TimeSpan.FromSeconds(1), paddingStatistics: true);
        Assert.Empty(report.GetLines(paddingStatistics: true));

        report.Tick(Start + Day, paddingStatistics: true);
        Assert.Equal(
        [
            "padding-counts 2030-01-02 12:34:56 (86400 s) bin-size=10000 write-drop=0 write-pad=10000 write-total=30000" +
            " read-drop=0 read-pad=10000 read-total=20000 enabled-read-pad=10000 enabled-read-total=20000" +
            " enabled-write-pad=10000 enabled-write-total=30000 max-chanpad-timers=0",
        ], report.GetLines(paddingStatistics: true));
    }

    [Fact]
    public void A_published_line_stays_for_the_whole_next_day_while_the_counts_start_over()
    {
        var counts = new PaddingCounts();
        var report = new PaddingCountsReport(counts, Start);
        Count(counts, read: 1, readPad: 0, written: 1, writtenPad: 0, enabled: false);
        var first = Start + Day + TimeSpan.FromSeconds(30); // a heartbeat late: the next period runs from here
        report.Tick(first, paddingStatistics: true);
        string line = Assert.Single(report.GetLines(paddingStatistics: true));
        Assert.StartsWith("padding-counts 2030-01-02 12:35:26 (86400 s) ", line);

        Count(counts, read: 20_001, readPad: 0, written: 1, writtenPad: 0, enabled: false);
        report.Tick(first + Day - TimeSpan.FromSeconds(1), paddingStatistics: true);
        Assert.Equal([line], report.GetLines(paddingStatistics: true));

        report.Tick(first + Day, paddingStatistics: true);
        Assert.Contains(" read-total=30000 ", Assert.Single(report.GetLines(paddingStatistics: true)));
        // That period's cells were taken: a day without traffic then publishes nothing.
        report.Tick(first + 2 * Day, paddingStatistics: true);
        Assert.Empty(report.GetLines(paddingStatistics: true));
    }

    [Fact]
    public void With_PaddingStatistics_0_nothing_is_published_and_the_counts_still_start_over()
    {
        var counts = new PaddingCounts();
        var report = new PaddingCountsReport(counts, Start);
        Count(counts, read: 5, readPad: 1, written: 5, writtenPad: 1, enabled: true);

        report.Tick(Start + Day, paddingStatistics: false);

        Assert.Empty(report.GetLines(paddingStatistics: false));
        Assert.Empty(report.GetLines(paddingStatistics: true));
        Assert.Equal(default, counts.TakeAndReset());
    }

    [Fact]
    public void Turning_PaddingStatistics_off_withholds_a_line_already_made()
    {
        var counts = new PaddingCounts();
        var report = new PaddingCountsReport(counts, Start);
        Count(counts, read: 5, readPad: 0, written: 5, writtenPad: 0, enabled: false);
        report.Tick(Start + Day, paddingStatistics: true);

        Assert.Single(report.GetLines(paddingStatistics: true));
        Assert.Empty(report.GetLines(paddingStatistics: false));
    }
}
