using System.Diagnostics.Metrics;
using TorRelay.Core.Circuits.Congestion;

namespace TorRelay.Core.Metrics;

/// <summary>
/// C tor's congestion control series (relay_metrics.c fill_cc_counters_values / fill_cc_gauges_values): the relay-wide
/// <see cref="CongestionControlStats"/> that every negotiated circuit and its streams update, read at scrape time.
/// </summary>
public sealed partial class CoreMetrics
{
    /// <summary>The relay's congestion control statistics (one per relay; the circuit switch feeds them).</summary>
    public CongestionControlStats Congestion { get; } = new();

    private static readonly (string State, string Action, Func<CongestionControlStats, long> Read)[] CongestionCounters =
    [
        ("starvation", "rtt_reset", s => s.RttResets),
        ("clock_stalls", "rtt_skipped", s => s.ClockStalls),
        ("flow_control", "xoff_num_sent", s => s.XoffSent),
        ("flow_control", "xon_num_sent", s => s.XonSent),
        ("cc_limits", "above_delta", s => s.AboveDelta),
        ("cc_limits", "above_ss_cwnd_max", s => s.AboveSsCwndMax),
        ("cc_limits", "below_ss_inc_floor", s => s.BelowSsIncFloor),
        ("cc_circuits", "circs_created", s => s.CircuitsCreated),
        ("cc_circuits", "circs_closed", s => s.CircuitsClosed),
        ("cc_circuits", "circs_exited_ss", s => s.CircuitsExitedSlowStart),
    ];

    /// <summary>The averages, rounded as C tor's tor_llround does.</summary>
    private static readonly (string State, string Action, Func<CongestionControlStats, long> Read)[] CongestionGauges =
    [
        ("slow_start_exit", "cwnd", s => Llround(s.SlowStartExitCwnd)),
        ("slow_start_exit", "bdp", s => Llround(s.SlowStartExitBdp)),
        ("slow_start_exit", "inc", s => Llround(s.SlowStartExitInc)),
        ("on_circ_close", "cwnd", s => Llround(s.OnCloseCwnd)),
        ("on_circ_close", "ss_cwnd", s => Llround(s.OnCloseSlowStartCwnd)),
        ("buffers", "xon_outbuf", s => Llround(s.XonOutbuf)),
        ("buffers", "xoff_outbuf", s => Llround(s.XoffOutbuf)),
        ("cc_backoff", "chan_blocked_pct", s => Llround(s.ChanBlockedPct)),
        ("cc_backoff", "gamma_drop", s => Llround(s.GammaDrop)),
        ("cc_backoff", "delta_drop", s => Llround(s.DeltaDrop)),
        ("cc_backoff", "ss_chan_blocked_pct", s => Llround(s.SlowStartChanBlockedPct)),
        ("cc_cwnd_update", "alpha_pct", s => Llround(s.AlphaPct)),
        ("cc_cwnd_update", "beta_pct", s => Llround(s.BetaPct)),
        ("cc_cwnd_update", "delta_pct", s => Llround(s.DeltaPct)),
        ("cc_estimates", "ss_queue", s => Llround(s.SlowStartQueue)),
        ("cc_estimates", "queue", s => Llround(s.Queue)),
        ("cc_estimates", "bdp", s => Llround(s.Bdp)),
    ];

    private void CreateCongestionInstruments()
    {
        _meter.CreateObservableCounter("tor_relay_congestion_control_total", () => ObserveCongestion(CongestionCounters), null,
            "Congestion control related counters");
        _meter.CreateObservableGauge("tor_relay_congestion_control", () => ObserveCongestion(CongestionGauges), null,
            "Congestion control related gauges");
    }

    private IEnumerable<Measurement<long>> ObserveCongestion((string State, string Action, Func<CongestionControlStats, long> Read)[] series)
    {
        var m = new Measurement<long>[series.Length];
        for (int i = 0; i < m.Length; i++)
            m[i] = new Measurement<long>(series[i].Read(Congestion), StateAction(series[i].State, series[i].Action));
        return m;
    }

    private static long Llround(double value) => (long)Math.Round(value, MidpointRounding.AwayFromZero);

    private static KeyValuePair<string, object?>[] StateAction(string state, string action) =>
        [MetricLabels.Tag("state", state), MetricLabels.Tag("action", action)];
}
