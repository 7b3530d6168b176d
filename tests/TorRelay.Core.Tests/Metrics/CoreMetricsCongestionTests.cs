using TorRelay.Core.Circuits.Congestion;
using TorRelay.Core.Metrics;
using static TorRelay.Core.Tests.Metrics.MetricsCollector;

namespace TorRelay.Core.Tests.Metrics;

/// <summary>C tor's congestion control families (relay_metrics.c fill_cc_counters_values / fill_cc_gauges_values).</summary>
public sealed class CoreMetricsCongestionTests : CoreMetricsTestBase
{
    private static string Counter(string state, string action) =>
        Key("tor_relay_congestion_control_total", ("state", state), ("action", action));

    private static string Gauge(string state, string action) =>
        Key("tor_relay_congestion_control", ("state", state), ("action", action));

    [Fact]
    public void Every_series_of_ctor_is_there_from_the_first_scrape()
    {
        var seen = Collector.Observe();
        Assert.Equal(10, seen.Keys.Count(k => k.StartsWith("tor_relay_congestion_control_total{", StringComparison.Ordinal)));
        Assert.Equal(17, seen.Keys.Count(k => k.StartsWith("tor_relay_congestion_control{", StringComparison.Ordinal)));
        Assert.Equal(0, seen[Counter("cc_circuits", "circs_created")]);
        Assert.Equal(0, seen[Gauge("cc_estimates", "bdp")]);
        Assert.Equal(0, seen[Counter("flow_control", "xoff_num_sent")]);
        Assert.Equal(0, seen[Gauge("buffers", "xon_outbuf")]);
    }

    [Fact]
    public void Negotiated_circuits_and_their_close_are_counted()
    {
        var cc = new CongestionControl(CongestionControlParams.Default, 31, Metrics.Congestion);
        new CongestionControl(CongestionControlParams.Default, 31, Metrics.Congestion).OnCircuitClosed();

        var seen = Collector.Observe();
        Assert.Equal(2, seen[Counter("cc_circuits", "circs_created")]);
        Assert.Equal(1, seen[Counter("cc_circuits", "circs_closed")]);
        Assert.Equal(0, seen[Counter("cc_circuits", "circs_exited_ss")]);
        Assert.Equal(124, cc.Cwnd);
    }

    [Fact]
    public void An_xoff_sent_is_counted_and_its_queue_averaged_into_the_buffers_gauge()
    {
        // Above cc_xoff_exit (1 cell here) for longer than the 5 ms grace period: XOFF; the first sample is the average.
        var flow = new StreamFlowControl(CongestionControlParams.Default with { XoffExit = 1 }, enabled: true, Metrics.Congestion);
        Assert.Equal(FlowControlSignal.None, flow.OnDataReceived(1001, 1_000_000).Signal);
        Assert.Equal(FlowControlSignal.Xoff, flow.OnDataReceived(1001, 1_010_000).Signal);

        var seen = Collector.Observe();
        Assert.Equal(1, seen[Counter("flow_control", "xoff_num_sent")]);
        Assert.Equal(1001, seen[Gauge("buffers", "xoff_outbuf")]);
    }
}
