using TorRelay.Cells.Circuits;
using TorRelay.Core.Metrics;
using static TorRelay.Core.Tests.Metrics.MetricsCollector;

namespace TorRelay.Core.Tests.Metrics;

public sealed class CoreMetricsCircuitTests : CoreMetricsTestBase
{
    private static string Onionskins(string type, string action) =>
        Key("tor_relay_load_onionskins_total", ("type", type), ("action", action));

    [Fact]
    public void Open_circuits_gauge_follows_opened_and_closed_with_state_opened()
    {
        Metrics.CircuitOpened();
        Metrics.CircuitOpened();
        Metrics.CircuitOpened();
        Metrics.CircuitClosed();

        Assert.Equal(2, Collector.Observe()[Key("tor_relay_circuits_total", ("state", "opened"))]);
    }

    [Fact]
    public void Open_circuits_gauge_never_goes_below_zero()
    {
        Metrics.CircuitClosed();
        Metrics.CircuitOpened();

        Assert.Equal(1, Collector.Observe()[Key("tor_relay_circuits_total", ("state", "opened"))]);
    }

    [Fact]
    public void Destroy_drop_and_protocol_violation_counters_have_no_labels()
    {
        Metrics.DestroyCellReceived();
        Metrics.DestroyCellReceived();
        Metrics.DropCellReceived();
        Metrics.CircuitProtocolViolation();
        Metrics.CircuitProtocolViolation();
        Metrics.CircuitProtocolViolation();

        var v = Collector.Observe();
        Assert.Equal(2, v[Key("tor_relay_destroy_cell_total")]);
        Assert.Equal(1, v[Key("tor_relay_drop_cell_total")]);
        Assert.Equal(3, v[Key("tor_relay_circ_proto_violation_total")]);
    }

    [Fact]
    public void Onionskins_are_counted_by_c_tor_handshake_name_and_action()
    {
        Metrics.OnionskinProcessed(HandshakeType.Ntor);
        Metrics.OnionskinProcessed(HandshakeType.Ntor);
        Metrics.OnionskinProcessed(HandshakeType.NtorV3);
        Metrics.OnionskinProcessed(HandshakeType.Fast);
        Metrics.OnionskinDropped(HandshakeType.NtorV3);

        var v = Collector.Observe();
        Assert.Equal(2, v[Onionskins("ntor", "processed")]);
        Assert.Equal(1, v[Onionskins("ntor_v3", "processed")]);
        Assert.Equal(1, v[Onionskins("ntor_v3", "dropped")]);
        Assert.Equal(1, v[Onionskins("fast", "processed")]);
        Assert.Equal(0, v[Onionskins("tap", "processed")]);
        Assert.Equal(8, v.Keys.Count(k => k.StartsWith("tor_relay_load_onionskins_total{", StringComparison.Ordinal)));
    }

    [Fact]
    public void Unknown_handshake_types_are_not_counted()
    {
        Metrics.OnionskinProcessed((HandshakeType)9);
        Metrics.OnionskinDropped((HandshakeType)0xFFFF);

        Assert.All(Collector.Observe().Where(kv => kv.Key.StartsWith("tor_relay_load_onionskins_total", StringComparison.Ordinal)),
            kv => Assert.Equal(0, kv.Value));
    }

    [Fact]
    public void Handshake_durations_are_recorded_in_seconds_by_kind()
    {
        Metrics.HandshakeCompleted(HandshakeKind.Link, TimeSpan.FromMilliseconds(250));
        Metrics.HandshakeCompleted(HandshakeKind.NtorV3, TimeSpan.FromMicroseconds(150));
        Metrics.HandshakeCompleted(HandshakeKind.Ntor, TimeSpan.FromMicroseconds(90));
        Metrics.HandshakeCompleted(HandshakeKind.Fast, TimeSpan.FromMicroseconds(5));

        Assert.Equal(
            [
                (Key("torrelay_handshake_seconds", ("kind", "link")), 0.25),
                (Key("torrelay_handshake_seconds", ("kind", "ntor_v3")), 0.00015),
                (Key("torrelay_handshake_seconds", ("kind", "ntor")), 0.00009),
                (Key("torrelay_handshake_seconds", ("kind", "fast")), 0.000005),
            ],
            Collector.Recorded.Select(r => (r.Key, Math.Round(r.Value, 9))));
    }
}
