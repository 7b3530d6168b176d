using TorRelay.Core.Circuits.Congestion;

namespace TorRelay.Core.Tests.Circuits.Congestion;

/// <summary>
/// Vegas through the public API: sends and SENDMEs as the circuit switch will make them. Expected numbers follow C tor's
/// formulas with the exit defaults (sendme_inc 31, cwnd_init 124, gamma 186, sscap 600), worked out in the comments.
/// </summary>
public class CongestionControlTests
{
    private const long SentAt = 1_000;
    private const long Rtt = 100_000;

    private static CongestionControl Fill(CongestionControl cc, int cells, long at = SentAt)
    {
        for (int i = 0; i < cells; i++) cc.OnCellSent(at);
        return cc;
    }

    private static CongestionControl Exit(CongestionControlParams? p = null, CongestionControlStats? stats = null,
        MonotonicClockCheck? clock = null) =>
        new(p ?? CongestionControlParams.Default, CongestionControlParams.TlsRecordMaxCells, stats, clock);

    [Fact]
    public void Every_sendme_inc_th_cell_awaits_a_sendme_and_the_window_closes_at_cwnd()
    {
        var cc = Exit();
        var acknowledged = new List<int>();
        for (int i = 0; i < 124; i++)
        {
            Assert.True(cc.CanSend);
            if (cc.NextCellIsAcknowledged) acknowledged.Add(i + 1);
            cc.OnCellSent(SentAt);
        }
        Assert.Equal([31, 62, 93, 124], acknowledged);
        Assert.Equal(124, cc.Inflight);
        Assert.Equal(0, cc.PackageWindow);
        Assert.False(cc.CanSend);
    }

    [Fact]
    public void Slow_start_grows_by_sendme_inc_per_sendme_while_the_window_is_full()
    {
        var cc = Fill(Exit(), 124);
        // 1: BDP = cwnd (no queueing), full → +31. A window's worth of SENDMEs (5) starts: fullness resets.
        Assert.True(cc.OnSendmeReceived(SentAt + Rtt));
        Assert.Equal((155L, 93L, 62), (cc.Cwnd, cc.Inflight, cc.PackageWindow));
        Assert.False(cc.CwndFull);
        // 2, 3: inflight + 4·31 ≥ cwnd → full → +31 each.
        Assert.True(cc.OnSendmeReceived(SentAt + Rtt));
        Assert.Equal(186, cc.Cwnd);
        Assert.True(cc.OnSendmeReceived(SentAt + Rtt));
        Assert.Equal(217, cc.Cwnd);
        // 4: inflight 31 is under 25% of 217: no longer full, no growth.
        Assert.True(cc.OnSendmeReceived(SentAt + Rtt));
        Assert.Equal((217L, 0L, 217), (cc.Cwnd, cc.Inflight, cc.PackageWindow));
        Assert.False(cc.CwndFull);
        Assert.Equal(2, cc.CwndFullCount);
        Assert.True(cc.InSlowStart);
        Assert.Equal((Rtt, Rtt, Rtt), (cc.MinRttUsec, cc.EwmaRttUsec, cc.MaxRttUsec));
    }

    [Fact]
    public void A_sendme_without_an_outstanding_cell_is_refused()
    {
        var cc = Exit();
        Assert.False(cc.OnSendmeReceived(SentAt));
        Fill(cc, 30);
        Assert.False(cc.OnSendmeReceived(SentAt + Rtt));
        Assert.Equal(30, cc.Inflight);
        cc.OnCellSent(SentAt);
        Assert.True(cc.OnSendmeReceived(SentAt + Rtt));
        Assert.False(cc.OnSendmeReceived(SentAt + Rtt));
    }

    [Theory]
    [InlineData(600, 631)] // at the cap: round(100% · 31) = 31
    [InlineData(700, 713)] // above: max((31·600 + 700) / (2·700), 1) = 13 (RFC 3742)
    public void Slow_start_increment_is_limited_above_sscap(int cwndInit, long expected)
    {
        var cc = Fill(Exit(CongestionControlParams.Default with { CwndInit = cwndInit }), cwndInit);
        Assert.True(cc.OnSendmeReceived(SentAt + Rtt));
        Assert.Equal(expected, cc.Cwnd);
        Assert.True(cc.InSlowStart);
    }

    [Fact]
    public void Slow_start_ends_at_bdp_plus_gamma_when_queue_use_reaches_gamma()
    {
        var stats = new CongestionControlStats();
        var cc = Fill(Exit(CongestionControlParams.Default with { CwndInit = 500 }, stats), 500);
        Assert.True(cc.OnSendmeReceived(SentAt + 100_000));
        Assert.Equal(531, cc.Cwnd);
        // RTT 300 ms: EWMA(N=2) = (2·300000 + 100000)/3 = 233333; BDP = 531·100000/233333 = 227; queue 304 ≥ 186.
        Assert.True(cc.OnSendmeReceived(SentAt + 300_000));
        Assert.Equal((233_333L, 227L), (cc.EwmaRttUsec, cc.Bdp));
        Assert.Equal(227 + 186, cc.Cwnd);
        Assert.False(cc.InSlowStart);
        Assert.Equal(1, cc.SlowStartExits);
        Assert.Equal(1, stats.CircuitsExitedSlowStart);
        Assert.Equal((413.0, 227.0, 31.0, 118.0), (stats.SlowStartExitCwnd, stats.SlowStartExitBdp, stats.SlowStartExitInc, stats.GammaDrop));
    }

    [Fact]
    public void Steady_state_never_goes_below_cwnd_min_and_a_wedged_min_rtt_is_reset()
    {
        var stats = new CongestionControlStats();
        var p = CongestionControlParams.Default with { CwndInit = 400, VegasGammaExit = 0, VegasDeltaExit = 0 };
        var cc = Fill(Exit(p, stats), 400);
        // gamma 0: the first SENDME ends slow start at BDP + 0 = 400.
        Assert.True(cc.OnSendmeReceived(SentAt + 100_000));
        Assert.Equal(400, cc.Cwnd);
        Assert.False(cc.InSlowStart);
        // RTT 1 s: EWMA = (2·1000000 + 100000)/3 = 700000, BDP = 400·100000/700000 = 57, queue 343 > delta 0:
        // cwnd = 57 + 0 − 1 = 56, raised to cwnd_min.
        Assert.True(cc.OnSendmeReceived(SentAt + 1_000_000));
        Assert.Equal(124, cc.Cwnd);
        Assert.Equal(1, stats.AboveDelta);
        Assert.Equal(344.0, stats.DeltaDrop);
        // At cwnd_min the min RTT is raised to the EWMA (900000), so BDP = cwnd and the window can grow again.
        Assert.True(cc.OnSendmeReceived(SentAt + 1_000_000));
        Assert.Equal((900_000L, 1L), (cc.MinRttUsec, cc.RttResets));
        Assert.Equal(125, cc.Cwnd);
    }

    [Fact]
    public void Cwnd_is_clamped_to_cwnd_max_and_inflight_above_cwnd_closes_the_window()
    {
        var cc = Fill(Exit(CongestionControlParams.Default with { CwndInit = 600, CwndMax = 500 }), 600);
        Assert.True(cc.OnSendmeReceived(SentAt + Rtt));
        Assert.Equal(500, cc.Cwnd); // 631, clamped
        Assert.Equal(569, cc.Inflight);
        Assert.Equal(0, cc.PackageWindow);
        Assert.False(cc.CanSend);
    }

    [Fact]
    public void Reaching_ss_max_ends_slow_start()
    {
        var stats = new CongestionControlStats();
        var cc = Fill(Exit(CongestionControlParams.Default with { CwndInit = 490, SsMax = 500 }, stats), 490);
        Assert.True(cc.OnSendmeReceived(SentAt + Rtt));
        Assert.Equal(500, cc.Cwnd); // 490 + 31, capped
        Assert.False(cc.InSlowStart);
        Assert.Equal(1, stats.AboveSsCwndMax);
    }

    [Fact]
    public void A_stalled_clock_skips_the_rtt_and_a_blocked_channel_still_signals_congestion()
    {
        var clock = new MonotonicClockCheck();
        var stats = new CongestionControlStats();
        var quiet = Fill(Exit(stats: stats, clock: clock), 124);
        // RTT 0: no sample, no estimate, no cwnd change; only inflight moves.
        Assert.True(quiet.OnSendmeReceived(SentAt));
        Assert.Equal((124L, 93L, 0L), (quiet.Cwnd, quiet.Inflight, quiet.EwmaRttUsec));
        Assert.Equal(1, quiet.ClockStalls);
        Assert.False(clock.IsReliable);

        // Blocked with 50 cells queued: BDP = cwnd − 50 = 250, queue use 50, and blocking ends slow start at 250 + 186.
        var blocked = Fill(Exit(CongestionControlParams.Default with { CwndInit = 300 }, stats, clock), 300);
        Assert.True(blocked.OnSendmeReceived(SentAt, blockedOnChannel: true, channelQueueCells: 50));
        Assert.Equal((250L, 436L), (blocked.Bdp, blocked.Cwnd));
        Assert.False(blocked.InSlowStart);
        Assert.True(blocked.BlockedOnChannel);
        Assert.Equal(2, stats.ClockStalls);
        Assert.Equal(100.0, stats.SlowStartChanBlockedPct);
    }

    [Fact]
    public void Circuits_are_counted_when_created_and_closed()
    {
        var stats = new CongestionControlStats();
        var cc = Exit(stats: stats);
        Assert.Equal(1, stats.CircuitsCreated);
        cc.OnCircuitClosed();
        Assert.Equal(1, stats.CircuitsClosed);
        // In slow start with no RTT spread, C tor leaves the close averages alone.
        Assert.Equal((0.0, 0.0), (stats.OnCloseCwnd, stats.OnCloseSlowStartCwnd));
    }
}
