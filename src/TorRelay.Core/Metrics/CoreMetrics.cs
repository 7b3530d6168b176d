using System.Diagnostics.Metrics;
using System.Net.Sockets;
using TorRelay.Cells;
using TorRelay.Cells.Circuits;

namespace TorRelay.Core.Metrics;

/// <summary>
/// The instruments of channels and circuits, on the meter "TorRelay.Core": C tor's relay metrics with its exact names,
/// types and labels (relay_metrics.c in 0.4.9), plus our own torrelay_* ones. One method per event; the per-cell ones
/// are an interlocked add or a histogram record with a cached tag, nothing else. Counters with fixed label sets are
/// reported by observable instruments so every series shows from the first scrape, zeros included, as C tor does.
/// </summary>
public sealed partial class CoreMetrics : IDisposable
{
    public const string MeterName = "TorRelay.Core";

    /// <summary>Cell switching takes microseconds: 1 µs .. 100 ms.</summary>
    private static ReadOnlySpan<double> CellSwitchBuckets =>
        [0.000001, 0.0000025, 0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1];

    /// <summary>An ntor reply takes ~100 µs, a link handshake up to its 30 s timeout.</summary>
    private static ReadOnlySpan<double> HandshakeBuckets =>
        [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    private readonly LabelledCounters _connectionsOpen;
    private readonly LabelledCounters _connectionsTotal;
    private readonly LabelledCounters _onionskins;
    private readonly LabelledCounters _traffic;
    private readonly CellCounters _cells;
    private readonly LabelledCounters _circuitsOpen;
    private readonly LabelledCounters _oomBytes;
    private long _destroyCells;
    private long _dropCells;
    private long _protocolViolations;

    private readonly Histogram<double> _cellSwitch;
    private readonly Histogram<double> _handshake;
    private readonly KeyValuePair<string, object?>[] _handshakeKind;

    /// <summary>Creates the meter from <paramref name="meterFactory"/> (which then owns it), or a meter of our own.</summary>
    public CoreMetrics(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(new MeterOptions(MeterName)) ?? new Meter(MeterName);

        _connectionsOpen = new LabelledCounters(ConnectionTags(rejected: false, "opened"));
        _connectionsTotal = new LabelledCounters(ConnectionTags(rejected: true, "created"));
        _onionskins = new LabelledCounters(OnionskinTags());
        _traffic = new LabelledCounters([[MetricLabels.Tag("direction", "read")], [MetricLabels.Tag("direction", "written")]]);
        _cells = new CellCounters();
        _circuitsOpen = new LabelledCounters([[MetricLabels.Tag("state", "opened")]]);
        // C tor writes all four subsystems; only cell queues have an OOM handler here so far.
        _oomBytes = new LabelledCounters([[MetricLabels.Tag("subsys", "cell")], [MetricLabels.Tag("subsys", "dns")],
            [MetricLabels.Tag("subsys", "geoip")], [MetricLabels.Tag("subsys", "hsdir")]]);
        _handshakeKind = new KeyValuePair<string, object?>[4];
        for (int k = 0; k < _handshakeKind.Length; k++)
            _handshakeKind[k] = MetricLabels.Tag("kind", MetricLabels.Of((HandshakeKind)k));

        _meter.CreateObservableGauge("tor_relay_connections", _connectionsOpen.Observe, null, "Total number of opened connections");
        _meter.CreateObservableCounter("tor_relay_connections_total", _connectionsTotal.Observe, null,
            "Total number of created/rejected connections");
        // C tor exports the open circuit count as a gauge under this _total name; we keep its name for its dashboards.
        _meter.CreateObservableGauge("tor_relay_circuits_total", _circuitsOpen.Observe, null, "Total number of circuits");
        _meter.CreateObservableCounter("tor_relay_destroy_cell_total", () => Interlocked.Read(ref _destroyCells), null,
            "Total number of DESTROY cell we received");
        _meter.CreateObservableCounter("tor_relay_drop_cell_total", () => Interlocked.Read(ref _dropCells), null,
            "Total number of DROP cell we received");
        _meter.CreateObservableCounter("tor_relay_circ_proto_violation_total", () => Interlocked.Read(ref _protocolViolations), null,
            "Total number of circuit protocol violation");
        _meter.CreateObservableCounter("tor_relay_load_onionskins_total", _onionskins.Observe, null, "Total number of onionskins handled");
        _meter.CreateObservableCounter("tor_relay_load_oom_bytes_total", _oomBytes.Observe, null,
            "Total number of bytes the OOM has freed by subsystem");
        // A byte total, but C tor names it without _total; a counter here would be exported as ..._bytes_total, which
        // C tor dashboards do not query. rate() works the same on the gauge.
        _meter.CreateObservableUpDownCounter("tor_relay_traffic_bytes", _traffic.Observe, "By", "Traffic related counters");

        _meter.CreateObservableCounter("torrelay_cells_total", _cells.Observe, "{cell}", "Cells received and sent on channels, by command");
        _cellSwitch = _meter.CreateHistogram("torrelay_cell_switch_seconds", "s",
            "Time from reading a relay cell to queueing it on the next channel (one relay cell in 16 is timed)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CellSwitchBuckets.ToArray() });
        _handshake = _meter.CreateHistogram("torrelay_handshake_seconds", "s", "Duration of completed link and circuit handshakes",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HandshakeBuckets.ToArray() });
        _meter.CreateObservableGauge("torrelay_channel_queue_cells", ObserveQueuedCells, "{cell}",
            "Cells queued towards peers on all open channels");
        CreateCongestionInstruments();
        CreatePaddingInstruments();
    }

    /// <summary>The cells queued on all channels now; read on each scrape. Set once the channel manager exists.</summary>
    public Func<long>? QueuedCellsSource { get; set; }

    // ---- Connections (C tor: rep_hist_note_conn_opened/closed/rejected) ----

    /// <summary>A connection (or listener) opened: counts it as created and open. Other families than IPv4/6 are ignored, as in C tor.</summary>
    public void ConnectionOpened(ConnectionType type, ConnectionDirection direction, AddressFamily family)
    {
        int i = ConnectionIndex(type, direction, family);
        if (i < 0) return;
        _connectionsTotal.Increment(i);
        _connectionsOpen.Increment(i);
    }

    /// <summary>A connection counted by <see cref="ConnectionOpened"/> closed.</summary>
    public void ConnectionClosed(ConnectionType type, ConnectionDirection direction, AddressFamily family)
    {
        int i = ConnectionIndex(type, direction, family);
        if (i >= 0) _connectionsOpen.DecrementToZero(i);
    }

    /// <summary>An accepted connection we refused at once (e.g. too many handshakes in progress).</summary>
    public void ConnectionRejected(ConnectionType type, AddressFamily family)
    {
        int f = MetricLabels.FamilyIndex(family);
        if (f >= 0 && (uint)type < MetricLabels.ConnectionTypeCount) _connectionsTotal.Increment(CreatedSeries + (int)type * 2 + f);
    }

    // ---- Circuits ----

    /// <summary>A circuit through us was created (CREATED sent).</summary>
    public void CircuitOpened() => _circuitsOpen.Increment(0);

    /// <summary>A circuit counted by <see cref="CircuitOpened"/> was closed, for whatever reason.</summary>
    public void CircuitClosed() => _circuitsOpen.DecrementToZero(0);

    /// <summary>A DESTROY cell arrived for a circuit.</summary>
    public void DestroyCellReceived() => Interlocked.Increment(ref _destroyCells);

    /// <summary>A RELAY_DROP cell addressed to us arrived.</summary>
    public void DropCellReceived() => Interlocked.Increment(ref _dropCells);

    /// <summary>We closed a circuit because its peer broke the protocol (DESTROY reason PROTOCOL, sent by us).</summary>
    public void CircuitProtocolViolation() => Interlocked.Increment(ref _protocolViolations);

    /// <summary>The OOM killer freed <paramref name="bytes"/> of queued cells (C tor's oom_stats_n_bytes_removed_cell).</summary>
    public void OomBytesFreed(long bytes) => _oomBytes.Add(0, bytes);

    /// <summary>A CREATE/CREATE2/CREATE_FAST onionskin was handed to a handshake worker.</summary>
    public void OnionskinProcessed(HandshakeType type)
    {
        if ((uint)type < MetricLabels.HandshakeTypeCount) _onionskins.Increment((int)type * 2);
    }

    /// <summary>An onionskin was refused without processing (handshake queue full).</summary>
    public void OnionskinDropped(HandshakeType type)
    {
        if ((uint)type < MetricLabels.HandshakeTypeCount) _onionskins.Increment((int)type * 2 + 1);
    }

    // ---- Traffic and cells ----

    /// <summary>Totals so far (for the observed-bandwidth history, which samples them).</summary>
    public long TotalBytesRead => _traffic.Read(0);
    public long TotalBytesWritten => _traffic.Read(1);

    /// <summary>Bytes read from any connection's socket (C tor's get_bytes_read()).</summary>
    public void BytesRead(long count) => _traffic.Add(0, count);

    /// <summary>Bytes written to any connection's socket.</summary>
    public void BytesWritten(long count) => _traffic.Add(1, count);

    /// <summary>A cell was read from a channel (handshake cells included).</summary>
    public void CellReceived(CellCommand command, int cells = 1) => _cells.Received(command, cells);

    /// <summary>A cell was written to a channel.</summary>
    public void CellSent(CellCommand command, int cells = 1) => _cells.Sent(command, cells);

    /// <summary>A relay cell went from its inbound channel onto the next one's queue in <paramref name="elapsed"/>.</summary>
    public void CellSwitched(TimeSpan elapsed) => _cellSwitch.Record(elapsed.TotalSeconds);

    /// <summary>A handshake of <paramref name="kind"/> completed successfully in <paramref name="elapsed"/>.</summary>
    public void HandshakeCompleted(HandshakeKind kind, TimeSpan elapsed)
    {
        if ((uint)kind < (uint)_handshakeKind.Length) _handshake.Record(elapsed.TotalSeconds, _handshakeKind[(int)kind]);
    }

    public void Dispose()
    {
        if (_ownsMeter) _meter.Dispose();
    }

    private IEnumerable<Measurement<long>> ObserveQueuedCells() =>
        QueuedCellsSource is { } source ? [new Measurement<long>(source())] : [];
}
