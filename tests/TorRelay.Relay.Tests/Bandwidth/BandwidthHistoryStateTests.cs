using TorRelay.Relay.Bandwidth;
using TorRelay.Relay.State;
using TorRelay.Relay.Tests.State;

namespace TorRelay.Relay.Tests.Bandwidth;

/// <summary>The bandwidth history carried through DataDirectory/state as bwhist.c saves and replays it.</summary>
public class BandwidthHistoryStateTests
{
    private static readonly DateTimeOffset SavedAt = new(2030, 1, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    [Fact]
    public void CTorsThreeDayHistoryLoadsItsTotalsAndMaxima()
    {
        var h = Load(CTorStateFiles.ThreeDays, SavedAt);
        // Two committed days end where the current one began; each value was replayed as 86400 equal seconds.
        Assert.Equal([
            "write-history 2030-01-06 00:00:00 (86400 s) 353894400,707788800",
            "read-history 2030-01-06 00:00:00 (86400 s) 176947200,353894400",
            "dirreq-read-history 2030-01-06 00:00:00 (86400 s) 0,0",
        ], h.GetBandwidthLines());
        // The largest committed maximum (per second) counts at once: min(read 102400, write 204800).
        Assert.Equal(102_400, h.Assess(Day));
    }

    [Fact]
    public void TheCurrentPeriodResumesWithItsSavedTotalAndMaximum()
    {
        var h = Load(CTorStateFiles.ThreeDays, SavedAt);
        var state = new StateFile();
        h.SaveTo(state);
        Assert.Equal("2030-01-07 00:00:00", state.Get("BWHistoryReadEnds"));
        Assert.Equal("86400", state.Get("BWHistoryReadInterval"));
        Assert.Equal("176947200,353894400,44236800", state.Get("BWHistoryReadValues"));
        Assert.Equal("51200,102400,20480", state.Get("BWHistoryReadMaxima"));
        Assert.Equal("353894400,707788800,88473600", state.Get("BWHistoryWriteValues"));
        Assert.Equal("102400,204800,40960", state.Get("BWHistoryWriteMaxima"));
    }

    [Fact]
    public void TheDowntimeIsCountedIntoTheCurrentPeriodsAverage()
    {
        // Six hours after the save the current period's 44236800 bytes are spread over 18 h, not 12 h.
        var h = Load(CTorStateFiles.ThreeDays, SavedAt.AddHours(6));
        var state = new StateFile();
        h.SaveTo(state);
        Assert.Equal($"176947200,353894400,{44236800 / 64800 * 64800 & ~0x3FF}", state.Get("BWHistoryReadValues"));
    }

    [Fact]
    public void CTorsFreshStateLoadsAsAnEmptyHistoryEndingWhereCTorsDid()
    {
        var loadedAt = new DateTimeOffset(2026, 11, 22, 19, 30, 0, TimeSpan.Zero);
        var h = Load(CTorStateFiles.Fresh, loadedAt);
        Assert.Empty(h.GetBandwidthLines());
        Assert.Equal(0, h.Assess(TimeSpan.Zero));
        var state = new StateFile();
        h.SaveTo(state);
        Assert.Equal("2026-11-23 18:57:28", state.Get("BWHistoryDirWriteEnds"));
        Assert.Equal("0", state.Get("BWHistoryIPv6ReadValues"));
    }

    [Fact]
    public void AHistoryEndingMoreThanFiveDaysAgoIsIgnored()
    {
        var later = SavedAt + 5 * Day + TimeSpan.FromHours(12) + TimeSpan.FromSeconds(1);
        var h = Load(CTorStateFiles.ThreeDays, later);
        Assert.Empty(h.GetBandwidthLines());
        var state = new StateFile();
        h.SaveTo(state);
        Assert.Equal(StateKeys.FormatTime(later - TimeSpan.FromHours(1) + Day), state.Get("BWHistoryReadEnds"));
    }

    [Fact]
    public void AHistoryStartingInTheFutureIsIgnored()
    {
        var h = Load(CTorStateFiles.ThreeDays, SavedAt - 3 * Day);
        Assert.Empty(h.GetBandwidthLines());
    }

    [Fact]
    public void WithoutMatchingMaximaTheAverageRateStandsInForThem()
    {
        string text = CTorStateFiles.ThreeDays
            .Replace("BWHistoryReadMaxima 51200,102400,20480\n", "")
            .Replace("BWHistoryWriteMaxima 102400,204800,40960\n", "BWHistoryWriteMaxima 1\n");
        var h = Load(text, SavedAt);
        // Read: 176947200 / 86400 = 2048 B/s and 353894400 / 86400 = 4096 B/s; write: 8192 B/s.
        Assert.Equal(4096, h.Assess(Day));
    }

    [Fact]
    public void AnUnparseableValueResetsEveryArray()
    {
        string text = CTorStateFiles.ThreeDays.Replace("BWHistoryWriteMaxima 102400,204800,40960", "BWHistoryWriteMaxima 102400,2o4800,40960");
        Assert.True(StateFile.TryParse(text, out var state, out _));
        var h = new ExtraInfoBandwidthHistory(SavedAt.AddHours(-1));
        Assert.False(h.LoadFrom(state, SavedAt, out string error));
        Assert.Contains("2o4800", error);
        Assert.Empty(h.GetBandwidthLines());
        var saved = new StateFile();
        h.SaveTo(saved);
        Assert.Equal(StateKeys.FormatTime(SavedAt + Day), saved.Get("BWHistoryReadEnds"));
    }

    [Fact]
    public void ObservedBandwidthSurvivesARestart()
    {
        var start = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var before = new ExtraInfoBandwidthHistory(start);
        // Ten seconds at 102400 B/s read and 204800 B/s written (multiples of 1024, which the state file keeps).
        for (int s = 1; s <= 11; s++) before.NoteTotals(start.AddSeconds(s), 102_400L * s, 204_800L * s);
        before.NoteTotals(start + Day + TimeSpan.FromHours(1), 102_400L * 11 + 1, 204_800L * 11 + 1);
        long observed = before.Assess(Day);
        Assert.Equal(102_400, observed);

        var state = new StateFile();
        before.SaveTo(state);
        Assert.True(StateFile.TryParse(state.Format(start + Day + TimeSpan.FromHours(2), "TorRelay test"), out var reread, out _));
        var after = new ExtraInfoBandwidthHistory(start + Day + TimeSpan.FromHours(3));
        Assert.True(after.LoadFrom(reread, start + Day + TimeSpan.FromHours(3), out _));

        Assert.Equal(observed, after.Assess(Day));
        // A day's total is replayed as whole bytes per second, so C tor also loses up to 86399 bytes per day.
        Assert.Equal([
            "write-history 2030-01-02 00:00:00 (86400 s) 2252800",
            "read-history 2030-01-02 00:00:00 (86400 s) 1126400",
        ], before.GetBandwidthLines());
        Assert.Equal([
            $"write-history 2030-01-02 00:00:00 (86400 s) {2252800 / 86400 * 86400 & ~0x3FF}",
            $"read-history 2030-01-02 00:00:00 (86400 s) {1126400 / 86400 * 86400 & ~0x3FF}",
        ], after.GetBandwidthLines());
        Assert.Equal(0, new ExtraInfoBandwidthHistory(start + Day + TimeSpan.FromHours(3)).Assess(Day));
    }

    private static ExtraInfoBandwidthHistory Load(string text, DateTimeOffset now)
    {
        Assert.True(StateFile.TryParse(text, out var state, out _));
        var h = new ExtraInfoBandwidthHistory(now - TimeSpan.FromHours(1));
        Assert.True(h.LoadFrom(state, now, out string error), error);
        return h;
    }
}
