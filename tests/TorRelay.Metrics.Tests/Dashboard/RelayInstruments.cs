using System.Diagnostics.Metrics;
using System.Net.Sockets;
using TorRelay.Cells;
using TorRelay.Cells.Circuits;
using TorRelay.Core.Metrics;
using TorRelay.Relay.Metrics;

namespace TorRelay.Metrics.Tests.Dashboard;

/// <summary>
/// CoreMetrics and RelayMetrics on meters under a prefix of their own, with one event of each kind recorded, and an
/// exporter of just those meters (plus runtime and process metrics when asked).
/// </summary>
internal sealed class RelayInstruments : IDisposable
{
    private readonly PrefixedMeterFactory _factory;

    public RelayInstruments(bool includeRuntimeAndProcess)
    {
        string prefix = TestMeters.UniquePrefix() + ".";
        _factory = new PrefixedMeterFactory(prefix);
        // The exporter first, as in the host, although observable series do not depend on it.
        Exporter = new PrometheusExporter(new PrometheusExporterOptions
        {
            MeterNamePrefix = prefix,
            IncludeRuntimeMetrics = includeRuntimeAndProcess,
            IncludeProcessMetrics = includeRuntimeAndProcess,
        });
        Core = new CoreMetrics(_factory);
        Relay = new RelayMetrics(_factory);
    }

    public PrometheusExporter Exporter { get; }
    public CoreMetrics Core { get; }
    public RelayMetrics Relay { get; }

    /// <summary>One event of every kind the two classes count.</summary>
    public RelayInstruments RecordOneOfEach()
    {
        Core.ConnectionOpened(ConnectionType.OrListener, ConnectionDirection.Initiated, AddressFamily.InterNetwork);
        Core.ConnectionOpened(ConnectionType.Or, ConnectionDirection.Received, AddressFamily.InterNetwork);
        Core.ConnectionClosed(ConnectionType.Or, ConnectionDirection.Received, AddressFamily.InterNetwork);
        Core.ConnectionRejected(ConnectionType.Or, AddressFamily.InterNetworkV6);
        Core.CircuitOpened();
        Core.DestroyCellReceived();
        Core.DropCellReceived();
        Core.CircuitProtocolViolation();
        Core.OnionskinProcessed(HandshakeType.Ntor);
        Core.OnionskinDropped(HandshakeType.NtorV3);
        Core.BytesRead(514);
        Core.BytesWritten(514);
        Core.CellReceived(CellCommand.Relay);
        Core.CellSent(CellCommand.Created2);
        Core.CellSwitched(TimeSpan.FromMicroseconds(20));
        Core.HandshakeCompleted(HandshakeKind.Link, TimeSpan.FromMilliseconds(40));
        Core.HandshakeCompleted(HandshakeKind.Ntor, TimeSpan.FromMicroseconds(120));
        Core.QueuedCellsSource = () => 12;
        Relay.FlagsSource = () => new HashSet<string> { "Fast", "Running", "Stable", "Valid", "V2Dir" };
        Relay.SigningCertificateLoaded(DateTimeOffset.UtcNow.AddDays(20));
        Relay.ConsensusReceived(DateTimeOffset.UtcNow.AddMinutes(-20));
        Relay.DescriptorUploaded(DescriptorUploadResult.Accepted);
        Relay.DosSource = () => default;
        Relay.ReachabilitySource = () => true;
        Core.PaddingNegotiated(start: false);
        return this;
    }

    public void Dispose()
    {
        Exporter.Dispose();
        Core.Dispose();
        Relay.Dispose();
        _factory.Dispose();
    }

    private sealed class PrefixedMeterFactory(string prefix) : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(prefix + options.Name, options.Version);
            lock (_meters) _meters.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            lock (_meters)
                foreach (var meter in _meters) meter.Dispose();
        }
    }
}
