using TorRelay.Core.Dos;

namespace TorRelay.Core.Tests.Dos;

public class DosHeartbeatTests
{
    [Fact]
    public void Disabled_ListsEachDisabledDefense()
    {
        Assert.Equal(
            "0 circuits killed with too many cells, [DoSCircuitCreationEnabled disabled], [DoSConnectionEnabled disabled], " +
            "[DoSRefuseSingleHopClientRendezvous disabled], 0 INTRODUCE2 rejected",
            DosHeartbeat.Format(default, DosOptions.Default));
    }

    [Fact]
    public void Enabled_ReportsEachCounterInCTorsWords()
    {
        var stats = new DosStats(CircuitRejected: 429042, CircuitKilledMaxCell: 5, CircuitKilledMaxCellOutq: 0,
            MarkedAddress: 17, MarkedAddressMaxq: 2, ConnRejected: 2238, ConcurrentConnRejected: 9);
        var options = DosOptions.Default with { CircuitCreationEnabled = true, ConnectionEnabled = true };

        Assert.Equal(
            "5 circuits killed with too many cells, 429042 circuits rejected, 17 marked addresses, " +
            "2 marked addresses for max queue, 9 same address concurrent connections rejected, 2238 connections rejected, " +
            "[DoSRefuseSingleHopClientRendezvous disabled], 0 INTRODUCE2 rejected",
            DosHeartbeat.Format(stats, options));
    }

    [Fact]
    public void MetricSeries_UseTheTypeLabelsOfTorRelayDosTotal()
    {
        var stats = new DosStats(1, 2, 3, 4, 5, 6, 7);

        Assert.Equal(
            [
                new("circuit_rejected", 1), new("circuit_killed_max_cell", 2), new("circuit_killed_max_cell_outq", 3),
                new("marked_address", 4), new("marked_address_maxq", 5), new("conn_rejected", 6),
                new("concurrent_conn_rejected", 7), new("single_hop_refused", 0), new("introduce2_rejected", 0),
            ],
            stats.ToMetricSeries());
    }
}
