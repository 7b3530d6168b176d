using TorRelay.Cells;
using TorRelay.Core.Metrics;
using static TorRelay.Core.Tests.Metrics.MetricsCollector;

namespace TorRelay.Core.Tests.Metrics;

public sealed class CoreMetricsCellTests : CoreMetricsTestBase
{
    private static string Cells(string direction, string command) =>
        Key("torrelay_cells_total", ("direction", direction), ("command", command));

    [Fact]
    public void Cells_are_counted_by_direction_and_c_tor_command_name()
    {
        Metrics.CellReceived(CellCommand.Relay);
        Metrics.CellReceived(CellCommand.Relay);
        Metrics.CellReceived(CellCommand.RelayEarly);
        Metrics.CellSent(CellCommand.Created2);
        Metrics.CellSent(CellCommand.AuthChallenge);

        var v = Collector.Observe();
        Assert.Equal(2, v[Cells("received", "relay")]);
        Assert.Equal(1, v[Cells("received", "relay_early")]);
        Assert.Equal(1, v[Cells("sent", "created2")]);
        Assert.Equal(1, v[Cells("sent", "auth_challenge")]);
        Assert.Equal(0, v[Cells("sent", "relay")]);
        Assert.Equal(0, v[Cells("received", "padding_negotiate")]);
    }

    [Fact]
    public void Unknown_commands_are_summed_as_unrecognized()
    {
        Metrics.CellReceived((CellCommand)200);
        Metrics.CellReceived((CellCommand)77);
        Metrics.CellSent((CellCommand)255);

        var v = Collector.Observe();
        Assert.Equal(2, v[Cells("received", "unrecognized")]);
        Assert.Equal(1, v[Cells("sent", "unrecognized")]);
        // 18 known commands plus "unrecognized", in each direction.
        Assert.Equal(2 * 19, v.Keys.Count(k => k.StartsWith("torrelay_cells_total{", StringComparison.Ordinal)));
    }

    [Fact]
    public void Traffic_bytes_are_reported_as_read_and_written()
    {
        Metrics.BytesRead(514);
        Metrics.BytesRead(1000);
        Metrics.BytesWritten(42);

        var v = Collector.Observe();
        Assert.Equal(1514, v[Key("tor_relay_traffic_bytes", ("direction", "read"))]);
        Assert.Equal(42, v[Key("tor_relay_traffic_bytes", ("direction", "written"))]);
    }

    [Fact]
    public void Cell_switch_latency_is_recorded_in_seconds_without_labels()
    {
        Metrics.CellSwitched(TimeSpan.FromMicroseconds(12));

        var (key, value) = Assert.Single(Collector.Recorded);
        Assert.Equal(Key("torrelay_cell_switch_seconds"), key);
        Assert.Equal(0.000012, value, 9);
    }

    [Fact]
    public void Queue_depth_comes_from_the_supplied_callback_and_is_absent_without_one()
    {
        Assert.DoesNotContain(Collector.Observe().Keys, k => k.StartsWith("torrelay_channel_queue_cells", StringComparison.Ordinal));

        long queued = 17;
        Metrics.QueuedCellsSource = () => queued;
        Assert.Equal(17, Collector.Observe()[Key("torrelay_channel_queue_cells")]);
        queued = 3;
        Assert.Equal(3, Collector.Observe()[Key("torrelay_channel_queue_cells")]);
    }
}
