using TorRelay.Core.Circuits.Congestion;

namespace TorRelay.Core.Tests.Circuits.Congestion;

/// <summary>
/// XON/XOFF at an exit with C tor's defaults: XOFF above cc_xoff_exit = 500 cells · 498 = 249000 queued bytes after a
/// 5 ms grace period; drain rates measured every cc_xon_rate = 249000 bytes, in kilobytes per second.
/// </summary>
public class StreamFlowControlTests
{
    private const long T0 = 1_000_000;
    private const long Limit = 249_000;

    private static StreamFlowControl Exit(bool enabled = true, CongestionControlStats? stats = null) =>
        new(CongestionControlParams.Default, enabled, stats);

    private static FlowControlAction Xon(uint kbps) => new(FlowControlSignal.Xon, kbps);
    private static readonly FlowControlAction Xoff = new(FlowControlSignal.Xoff);

    [Fact]
    public void Xoff_is_sent_once_the_queue_stays_above_the_limit_for_the_grace_period()
    {
        var fc = Exit();
        Assert.Equal(FlowControlAction.None, fc.OnDataReceived(Limit, T0)); // at the limit is not above it
        Assert.Equal(FlowControlAction.None, fc.OnDataReceived(Limit + 1, T0)); // grace starts
        Assert.Equal(FlowControlAction.None, fc.OnDataReceived(Limit + 1, T0 + 5000)); // not yet past 5 ms
        Assert.Equal(Xoff, fc.OnDataReceived(Limit + 1, T0 + 5001));
        Assert.True(fc.XoffSent);
        Assert.Equal(FlowControlAction.None, fc.OnDataReceived(2 * Limit, T0 + 20_000)); // only one XOFF
    }

    [Fact]
    public void Draining_below_the_limit_restarts_the_grace_period()
    {
        var fc = Exit();
        Assert.Equal(FlowControlAction.None, fc.OnDataReceived(Limit + 1, T0));
        Assert.Equal(FlowControlAction.None, fc.OnDataReceived(Limit, T0 + 3000));
        Assert.Equal(FlowControlAction.None, fc.OnDataReceived(Limit + 1, T0 + 7000));
        Assert.Equal(FlowControlAction.None, fc.OnDataReceived(Limit + 1, T0 + 12_000));
        Assert.Equal(Xoff, fc.OnDataReceived(Limit + 1, T0 + 12_001));
    }

    [Fact]
    public void Xon_follows_a_full_drain_with_the_measured_rate_and_rate_changes_send_advisory_xons()
    {
        var stats = new CongestionControlStats();
        var fc = Exit(stats: stats);
        // Above a burst, the drain clock starts with the queue (T0); XOFF after the grace period.
        Assert.Equal(FlowControlAction.None, fc.OnDataReceived(300_000, T0));
        Assert.Equal(Xoff, fc.OnDataReceived(300_000, T0 + 5001));
        Assert.Equal(FlowControlAction.None, fc.OnBytesWritten(150_000, 150_000, T0 + 100_000));
        // 300000 bytes drained (> 249000) in 200 ms: 300000·1000/200000 = 1500 KB/s, and the queue is empty.
        Assert.Equal(Xon(1500), fc.OnBytesWritten(150_000, 0, T0 + 200_000));
        Assert.False(fc.XoffSent);
        Assert.Equal(1500u, fc.RateLastSentKbps);

        // Queueing again; the next rate uses the previous period's bytes over this period's time:
        // 300000·1000/520000 = 576, EWMA(N=2) = (2·576 + 1500)/3 = 884, below 75% of 1500 → advisory XON.
        long t1 = T0 + 1_000_000;
        Assert.Equal(FlowControlAction.None, fc.OnBytesWritten(0, 20_000, t1));
        Assert.Equal(Xon(884), fc.OnBytesWritten(260_000, 10_000, t1 + 520_000));
        Assert.Equal((1L, 2L), (stats.XoffSent, stats.XonSent));
        Assert.Equal(300_000.0, stats.XoffOutbuf);
        Assert.Equal(10_000.0, stats.XonOutbuf); // only rate-change XONs feed this average
    }

    [Fact]
    public void An_empty_queue_for_xon_rate_bytes_doubles_the_advised_rate()
    {
        var fc = Exit();
        fc.OnDataReceived(300_000, T0);
        fc.OnDataReceived(300_000, T0 + 5001);
        Assert.Equal(Xon(1500), fc.OnBytesWritten(300_000, 0, T0 + 200_000));
        // 249000 bytes written while the queue stays empty: 1500 → 3000, more than 25% off what we sent.
        Assert.Equal(FlowControlAction.None, fc.OnBytesWritten(Limit, 0, T0 + 300_000));
        Assert.Equal(3000u, fc.EwmaDrainRateKbps);
        Assert.Equal(Xon(3000), fc.OnBytesWritten(0, 0, T0 + 301_000));
    }

    [Fact]
    public void Xoff_pauses_reading_until_xon_which_sets_the_read_rate()
    {
        var fc = Exit();
        Assert.True(fc.CanRead);
        Assert.True(fc.OnXoffReceived());
        Assert.False(fc.CanRead);
        Assert.False(fc.OnXoffReceived()); // a second XOFF is refused
        Assert.Equal(1, fc.RejectedCount);
        Assert.True(fc.OnXonReceived([0, 0, 0, 0, 100]));
        Assert.True(fc.CanRead);
        Assert.Equal(100_000, fc.ReadRateBytesPerSecond);
        Assert.True(fc.OnXonReceived([0, 0, 0, 0, 0])); // 0: no advice, no limit
        Assert.Equal(int.MaxValue, fc.ReadRateBytesPerSecond);
        Assert.True(fc.OnXonReceived([0, 0, 0x2d, 0xc6, 0xc0])); // 3000000 KB/s does not fit: no limit
        Assert.Equal(int.MaxValue, fc.ReadRateBytesPerSecond);
        Assert.Equal((1L, 3L), (fc.XoffReceivedCount, fc.XonReceivedCount));
    }

    [Fact]
    public void Xon_and_xoff_without_congestion_control_or_malformed_are_refused_and_counted()
    {
        var off = Exit(enabled: false);
        Assert.False(off.OnXoffReceived());
        Assert.False(off.OnXonReceived([0, 0, 0, 0, 1]));
        Assert.True(off.CanRead);
        Assert.Equal(2, off.RejectedCount);
        Assert.Equal(FlowControlAction.None, off.OnDataReceived(10 * Limit, T0));

        var on = Exit();
        Assert.True(on.OnXoffReceived());
        Assert.False(on.OnXonReceived([1, 0, 0, 0, 1])); // version 1
        Assert.False(on.OnXonReceived([0, 0, 0, 1])); // short
        Assert.False(on.CanRead);
        Assert.Equal(2, on.RejectedCount);
    }
}
