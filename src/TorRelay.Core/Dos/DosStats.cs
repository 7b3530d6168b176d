namespace TorRelay.Core.Dos;

/// <summary>
/// Counters since startup, one per type label of C tor's tor_relay_dos_total metric (relay_metrics.c
/// fill_dos_values), in its order. The two onion-service counters stay 0: we implement neither defense.
/// </summary>
public readonly record struct DosStats(
    long CircuitRejected,
    long CircuitKilledMaxCell,
    long CircuitKilledMaxCellOutq,
    long MarkedAddress,
    long MarkedAddressMaxq,
    long ConnRejected,
    long ConcurrentConnRejected,
    long SingleHopRefused = 0,
    long Introduce2Rejected = 0)
{
    /// <summary>(type label, value) for each tor_relay_dos_total series.</summary>
    public KeyValuePair<string, long>[] ToMetricSeries() =>
    [
        new("circuit_rejected", CircuitRejected),
        new("circuit_killed_max_cell", CircuitKilledMaxCell),
        new("circuit_killed_max_cell_outq", CircuitKilledMaxCellOutq),
        new("marked_address", MarkedAddress),
        new("marked_address_maxq", MarkedAddressMaxq),
        new("conn_rejected", ConnRejected),
        new("concurrent_conn_rejected", ConcurrentConnRejected),
        new("single_hop_refused", SingleHopRefused),
        new("introduce2_rejected", Introduce2Rejected),
    ];
}
