namespace TorRelay.Core.Circuits.Congestion;

/// <summary>
/// Relay-wide congestion control statistics, as C tor keeps them in cc_stats_* globals for the MetricsPort
/// (feature/relay/relay_metrics.c). Each property names its series: counters are
/// <c>tor_relay_congestion_control_total{state,action}</c>, averages (an N-EWMA over 100 samples, rounded by C tor when
/// exported) are gauges <c>tor_relay_congestion_control{state,action}</c>. One instance per relay; thread-safe.
/// </summary>
public sealed class CongestionControlStats
{
    private readonly Lock _gate = new();
    private long _rttResets, _clockStalls, _xoffSent, _xonSent, _aboveDelta, _aboveSsCwndMax, _belowSsIncFloor;
    private long _circuitsCreated, _circuitsClosed, _circuitsExitedSlowStart;
    private double _ssExitCwnd, _ssExitBdp, _ssExitInc, _closeCwnd, _closeSsCwnd, _xonOutbuf, _xoffOutbuf;
    private double _chanBlockedPct, _gammaDrop, _deltaDrop, _ssChanBlockedPct, _alphaPct, _betaPct, _deltaPct;
    private double _ssQueue, _queue, _bdp;

    /// <summary>{state="starvation",action="rtt_reset"}</summary>
    public long RttResets => Interlocked.Read(ref _rttResets);
    /// <summary>{state="clock_stalls",action="rtt_skipped"}</summary>
    public long ClockStalls => Interlocked.Read(ref _clockStalls);
    /// <summary>{state="flow_control",action="xoff_num_sent"}</summary>
    public long XoffSent => Interlocked.Read(ref _xoffSent);
    /// <summary>{state="flow_control",action="xon_num_sent"}</summary>
    public long XonSent => Interlocked.Read(ref _xonSent);
    /// <summary>{state="cc_limits",action="above_delta"}</summary>
    public long AboveDelta => Interlocked.Read(ref _aboveDelta);
    /// <summary>{state="cc_limits",action="above_ss_cwnd_max"}</summary>
    public long AboveSsCwndMax => Interlocked.Read(ref _aboveSsCwndMax);
    /// <summary>{state="cc_limits",action="below_ss_inc_floor"}</summary>
    public long BelowSsIncFloor => Interlocked.Read(ref _belowSsIncFloor);
    /// <summary>{state="cc_circuits",action="circs_created"}</summary>
    public long CircuitsCreated => Interlocked.Read(ref _circuitsCreated);
    /// <summary>{state="cc_circuits",action="circs_closed"}</summary>
    public long CircuitsClosed => Interlocked.Read(ref _circuitsClosed);
    /// <summary>{state="cc_circuits",action="circs_exited_ss"}</summary>
    public long CircuitsExitedSlowStart => Interlocked.Read(ref _circuitsExitedSlowStart);

    /// <summary>{state="slow_start_exit",action="cwnd"}</summary>
    public double SlowStartExitCwnd => Read(ref _ssExitCwnd);
    /// <summary>{state="slow_start_exit",action="bdp"}</summary>
    public double SlowStartExitBdp => Read(ref _ssExitBdp);
    /// <summary>{state="slow_start_exit",action="inc"}</summary>
    public double SlowStartExitInc => Read(ref _ssExitInc);
    /// <summary>{state="on_circ_close",action="cwnd"}</summary>
    public double OnCloseCwnd => Read(ref _closeCwnd);
    /// <summary>{state="on_circ_close",action="ss_cwnd"}</summary>
    public double OnCloseSlowStartCwnd => Read(ref _closeSsCwnd);
    /// <summary>{state="buffers",action="xon_outbuf"}</summary>
    public double XonOutbuf => Read(ref _xonOutbuf);
    /// <summary>{state="buffers",action="xoff_outbuf"}</summary>
    public double XoffOutbuf => Read(ref _xoffOutbuf);
    /// <summary>{state="cc_backoff",action="chan_blocked_pct"}</summary>
    public double ChanBlockedPct => Read(ref _chanBlockedPct);
    /// <summary>{state="cc_backoff",action="gamma_drop"}</summary>
    public double GammaDrop => Read(ref _gammaDrop);
    /// <summary>{state="cc_backoff",action="delta_drop"}</summary>
    public double DeltaDrop => Read(ref _deltaDrop);
    /// <summary>{state="cc_backoff",action="ss_chan_blocked_pct"}</summary>
    public double SlowStartChanBlockedPct => Read(ref _ssChanBlockedPct);
    /// <summary>{state="cc_cwnd_update",action="alpha_pct"}</summary>
    public double AlphaPct => Read(ref _alphaPct);
    /// <summary>{state="cc_cwnd_update",action="beta_pct"}</summary>
    public double BetaPct => Read(ref _betaPct);
    /// <summary>{state="cc_cwnd_update",action="delta_pct"}</summary>
    public double DeltaPct => Read(ref _deltaPct);
    /// <summary>{state="cc_estimates",action="ss_queue"}</summary>
    public double SlowStartQueue => Read(ref _ssQueue);
    /// <summary>{state="cc_estimates",action="queue"}</summary>
    public double Queue => Read(ref _queue);
    /// <summary>{state="cc_estimates",action="bdp"}</summary>
    public double Bdp => Read(ref _bdp);

    internal void CircuitCreated() => Interlocked.Increment(ref _circuitsCreated);
    internal void RttReset() => Interlocked.Increment(ref _rttResets);
    internal void ClockStall() => Interlocked.Increment(ref _clockStalls);

    internal void CircuitClosed(bool inSlowStart, bool rttVaried, long cwnd)
    {
        Interlocked.Increment(ref _circuitsClosed);
        // C tor averages the slow-start cwnd only of circuits whose RTT was measured more than once.
        if (!inSlowStart) Update(ref _closeCwnd, cwnd);
        else if (rttVaried) Update(ref _closeSsCwnd, cwnd);
    }

    internal void ExitedSlowStart(long cwnd, long bdp, long inc)
    {
        Interlocked.Increment(ref _circuitsExitedSlowStart);
        lock (_gate)
        {
            _ssExitCwnd = Ewma.Running(_ssExitCwnd, cwnd);
            _ssExitBdp = Ewma.Running(_ssExitBdp, bdp);
            _ssExitInc = Ewma.Running(_ssExitInc, inc);
        }
    }

    internal void BelowSsIncFloorHit() => Interlocked.Increment(ref _belowSsIncFloor);
    internal void AboveSsCwndMaxHit() => Interlocked.Increment(ref _aboveSsCwndMax);
    internal void SlowStartSignal(bool blocked) => Update(ref _ssChanBlockedPct, blocked ? 100 : 0);
    internal void GammaDropped(long cells) => Update(ref _gammaDrop, cells);
    internal void SlowStartQueueUse(long cells) => Update(ref _ssQueue, cells);

    /// <summary>One steady-state update: which signal fired (at most one of alpha, beta, delta) and the estimates.</summary>
    internal void SteadyStateUpdate(bool alpha, bool beta, bool delta, long queueUse, long bdp)
    {
        lock (_gate)
        {
            _alphaPct = Ewma.Running(_alphaPct, alpha ? 100 : 0);
            _betaPct = Ewma.Running(_betaPct, beta ? 100 : 0);
            _deltaPct = Ewma.Running(_deltaPct, delta ? 100 : 0);
            _queue = Ewma.Running(_queue, queueUse);
            _bdp = Ewma.Running(_bdp, bdp);
        }
    }

    internal void DeltaHit(long dropped)
    {
        Interlocked.Increment(ref _aboveDelta);
        Update(ref _deltaDrop, dropped);
    }

    internal void BetaSignal(bool blocked) => Update(ref _chanBlockedPct, blocked ? 100 : 0);

    internal void XoffWasSent(long buffered)
    {
        Interlocked.Increment(ref _xoffSent);
        Update(ref _xoffOutbuf, buffered);
    }

    /// <summary>An XON went out; C tor averages the outbuf only for rate-change XONs.</summary>
    internal void XonWasSent(long? rateChangeBuffered)
    {
        Interlocked.Increment(ref _xonSent);
        if (rateChangeBuffered is long b) Update(ref _xonOutbuf, b);
    }

    private void Update(ref double avg, double value)
    {
        lock (_gate) avg = Ewma.Running(avg, value);
    }

    private double Read(ref double avg)
    {
        lock (_gate) return avg;
    }
}
