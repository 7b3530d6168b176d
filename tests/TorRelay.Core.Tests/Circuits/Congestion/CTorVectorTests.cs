using TorRelay.Core.Circuits.Congestion;

namespace TorRelay.Core.Tests.Circuits.Congestion;

/// <summary>The test vectors of C tor 0.4.9 src/test/test_congestion_control.c, replayed step by step.</summary>
public class CTorVectorTests
{
    private static CongestionControl NewExitCc() => new(CongestionControlParams.Default, CongestionControlParams.TlsRecordMaxCells);

    // old_delta, new_delta, in_slow_start, cached verdict after, result (test_congestion_control_clock).
    private static readonly (ulong Old, ulong New, bool Ss, bool Cached, bool Result)[] Clock =
    [
        (0, 1, true, false, false), (0, 0, true, true, true), (1, 1, true, true, false), (1, 4999, false, false, false),
        (4999, 1, false, false, false), (5001, 1, false, false, false), (5001, 0, false, true, true),
        (5001, 1, false, true, true), (5001, 1, true, true, false), (0, 5001, false, true, false),
        (1, 5001, true, true, false), (1, 1, false, false, false), (5001, 1, false, false, false),
        (1, 5001, false, false, true), (0, 5001, false, false, false), (5001, 1, true, false, false),
        (1, 1, false, false, false),
    ];

    [Fact]
    public void Clock_heuristics_detect_stalls_and_jumps_and_cache_the_verdict()
    {
        var clock = new MonotonicClockCheck();
        for (int i = 0; i < Clock.Length; i++)
        {
            var v = Clock[i];
            // C tor sets ewma_rtt = old_delta*1000; heuristics apply out of slow start with a non-zero EWMA.
            bool useHeuristics = !v.Ss && v.Old != 0;
            Assert.True(v.Result == clock.StalledOrJumped(useHeuristics, v.Old, v.New), $"step {i} result");
            Assert.True(v.Cached == !clock.IsReliable, $"step {i} cached verdict");
        }
    }

    // sent, got_sendme, cwnd, in_slow_start, curr_rtt, ewma_rtt, min_rtt (test_congestion_control_rtt).
    private static readonly (long Sent, long Got, long Cwnd, bool Ss, long Rtt, long Ewma, long Min)[] Rtt =
    [
        (100000, 200000, 124, true, 100000, 100000, 100000),
        (200000, 300000, 124, true, 100000, 100000, 100000),
        (350000, 500000, 124, true, 150000, 133333, 100000),
        (500000, 550000, 124, true, 50000, 77777, 77777),
        (600000, 700000, 124, true, 100000, 92592, 77777),
        (700000, 750000, 124, true, 50000, 64197, 64197),
        (750000, 875000, 124, false, 125000, 104732, 104732),
        (875000, 900000, 124, false, 25000, 51577, 104732),
        (900000, 950000, 200, false, 50000, 50525, 50525),
    ];

    [Fact]
    public void Rtt_ewma_and_min_follow_the_ctor_vectors()
    {
        var cc = NewExitCc();
        for (int i = 0; i < Rtt.Length; i++)
        {
            var v = Rtt[i];
            cc.Cwnd = v.Cwnd;
            cc.InSlowStart = v.Ss;
            Assert.Equal(v.Rtt, cc.UpdateRtt(v.Got, v.Sent));
            Assert.True(v.Min == cc.MinRttUsec, $"step {i} min {cc.MinRttUsec}");
            Assert.True(v.Ewma == cc.EwmaRttUsec, $"step {i} ewma {cc.EwmaRttUsec}");
        }
        // Steps 7 and 8 sat at cwnd_min out of slow start: min RTT became max(EWMA, min) (cc_rtt_reset_pct=100).
        Assert.Equal(2, cc.RttResets);
    }

    // sent, got_sendme, or_conn_blocked, inflight, ewma, min, cwnd, in_slow_start, cwnd_full, blocked_chan.
    public static TheoryData<string> VegasVectorNames => new() { "vect1", "vect2", "vect3", "vect4" };

    [Theory]
    [MemberData(nameof(VegasVectorNames))]
    public void Vegas_cwnd_updates_follow_the_ctor_vectors(string name)
    {
        var steps = VegasVectors.Get(name);
        var cc = NewExitCc();
        foreach (var s in steps) cc.EnqueueSendTimestamp(s.Sent);
        for (int i = 0; i < steps.Length; i++)
        {
            var s = steps[i];
            cc.Inflight = s.Inflight;
            Assert.True(cc.OnSendmeReceived(s.Got, s.Blocked));
            if (s.Blocked)
                Assert.Equal(cc.InSlowStart ? 1 : (cc.Cwnd + 31 * 31 / 2) / (31 * 31), cc.NextCcEvent);
            string at = $"{name} step {i}: ewma {cc.EwmaRttUsec} min {cc.MinRttUsec} cwnd {cc.Cwnd}";
            Assert.True(s.Ewma == cc.EwmaRttUsec, at);
            Assert.True(s.Min == cc.MinRttUsec, at);
            Assert.True(s.Cwnd == cc.Cwnd, at);
            Assert.True(s.Ss == cc.InSlowStart, at + " slow start");
            Assert.True(s.Full == cc.CwndFull, at + " full");
            Assert.True(s.BlockedOut == cc.BlockedOnChannel, at + " blocked");
            Assert.Equal(s.Inflight - 31, cc.Inflight);
        }
    }
}
