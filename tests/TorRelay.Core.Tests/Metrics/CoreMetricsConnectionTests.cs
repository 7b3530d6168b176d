using System.Net.Sockets;
using TorRelay.Core.Metrics;
using static TorRelay.Core.Tests.Metrics.MetricsCollector;

namespace TorRelay.Core.Tests.Metrics;

public sealed class CoreMetricsConnectionTests : CoreMetricsTestBase
{
    private static string Open(string type, string direction, string family) =>
        Key("tor_relay_connections", ("type", type), ("direction", direction), ("state", "opened"), ("family", family));

    private static string Total(string type, string direction, string state, string family) =>
        Key("tor_relay_connections_total", ("type", type), ("direction", direction), ("state", state), ("family", family));

    [Fact]
    public void Meter_is_created_by_the_factory_under_the_core_name()
    {
        Assert.Equal([CoreMetrics.MeterName], Factory.Requested);
        Assert.Equal("TorRelay.Core", CoreMetrics.MeterName);
    }

    [Fact]
    public void Opened_connection_counts_as_created_and_open_with_c_tor_labels()
    {
        Metrics.ConnectionOpened(ConnectionType.Or, ConnectionDirection.Received, AddressFamily.InterNetwork);
        Metrics.ConnectionOpened(ConnectionType.Or, ConnectionDirection.Received, AddressFamily.InterNetwork);
        Metrics.ConnectionOpened(ConnectionType.Or, ConnectionDirection.Initiated, AddressFamily.InterNetworkV6);

        var v = Collector.Observe();
        Assert.Equal(2, v[Open("OR", "received", "ipv4")]);
        Assert.Equal(1, v[Open("OR", "initiated", "ipv6")]);
        Assert.Equal(0, v[Open("OR", "initiated", "ipv4")]);
        Assert.Equal(2, v[Total("OR", "received", "created", "ipv4")]);
        Assert.Equal(1, v[Total("OR", "initiated", "created", "ipv6")]);
    }

    [Fact]
    public void Closed_connection_leaves_the_open_gauge_but_not_the_created_total_and_never_goes_below_zero()
    {
        Metrics.ConnectionOpened(ConnectionType.Directory, ConnectionDirection.Initiated, AddressFamily.InterNetwork);
        Metrics.ConnectionClosed(ConnectionType.Directory, ConnectionDirection.Initiated, AddressFamily.InterNetwork);
        Metrics.ConnectionClosed(ConnectionType.Directory, ConnectionDirection.Initiated, AddressFamily.InterNetwork);

        var v = Collector.Observe();
        Assert.Equal(0, v[Open("Directory", "initiated", "ipv4")]);
        Assert.Equal(1, v[Total("Directory", "initiated", "created", "ipv4")]);
    }

    [Fact]
    public void Rejected_connection_is_counted_as_received_rejected()
    {
        Metrics.ConnectionRejected(ConnectionType.Or, AddressFamily.InterNetworkV6);

        var v = Collector.Observe();
        Assert.Equal(1, v[Total("OR", "received", "rejected", "ipv6")]);
        Assert.Equal(0, v[Total("OR", "received", "rejected", "ipv4")]);
        Assert.Equal(0, v[Total("OR", "received", "created", "ipv6")]);
    }

    [Fact]
    public void Every_c_tor_series_of_our_connection_types_is_reported_from_the_start()
    {
        var v = Collector.Observe();
        string[] types = ["OR listener", "OR", "Directory", "Metrics listener", "Metrics"];
        // C tor: opened for both directions and families; created for both directions, rejected for received only.
        Assert.Equal(types.Length * 4, v.Keys.Count(k => k.StartsWith("tor_relay_connections{", StringComparison.Ordinal)));
        Assert.Equal(types.Length * 6, v.Keys.Count(k => k.StartsWith("tor_relay_connections_total{", StringComparison.Ordinal)));
        foreach (string type in types)
        {
            Assert.Equal(0, v[Open(type, "received", "ipv6")]);
            Assert.Equal(0, v[Total(type, "initiated", "created", "ipv4")]);
            Assert.Equal(0, v[Total(type, "received", "rejected", "ipv4")]);
        }
        Assert.DoesNotContain(v.Keys, k => k.Contains("direction=initiated", StringComparison.Ordinal) && k.Contains("state=rejected", StringComparison.Ordinal));
    }

    [Fact]
    public void Connections_of_other_families_are_ignored_as_in_c_tor()
    {
        Metrics.ConnectionOpened(ConnectionType.MetricsListener, ConnectionDirection.Initiated, AddressFamily.Unix);
        Metrics.ConnectionRejected(ConnectionType.Metrics, AddressFamily.Unix);

        Assert.All(Collector.Observe().Where(kv => kv.Key.StartsWith("tor_relay_connections", StringComparison.Ordinal)),
            kv => Assert.Equal(0, kv.Value));
    }
}
