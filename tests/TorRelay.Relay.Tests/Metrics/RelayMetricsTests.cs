using System.Diagnostics.Metrics;
using TorRelay.Relay.Metrics;

namespace TorRelay.Relay.Tests.Metrics;

public sealed class RelayMetricsTests : IDisposable
{
    private readonly string _prefix = "Test" + Guid.NewGuid().ToString("N") + ".";
    private readonly ManualTime _time = new(DateTimeOffset.Parse("2025-06-01T12:00:00Z"));
    private readonly PrefixedMeterFactory _factory;
    private readonly RelayMetrics _metrics;
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, double> _observed = new();

    public RelayMetricsTests()
    {
        _factory = new PrefixedMeterFactory(_prefix);
        _metrics = new RelayMetrics(_factory, _time);
        _listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == _prefix + RelayMetrics.MeterName) l.EnableMeasurementEvents(i);
        };
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _metrics.Dispose();
        _factory.Dispose();
    }

    private Dictionary<string, double> Observe()
    {
        _observed.Clear();
        _listener.RecordObservableInstruments();
        return new Dictionary<string, double>(_observed);
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string labels = "";
        foreach (var tag in tags) labels += (labels.Length > 0 ? "," : "") + tag.Key + "=" + tag.Value;
        _observed[instrument.Name + "{" + labels + "}"] = value;
    }

    [Fact]
    public void Meter_is_created_by_the_factory_under_the_relay_name()
    {
        Assert.Equal(["TorRelay.Relay"], _factory.Requested);
    }

    [Fact]
    public void Flags_are_one_for_each_flag_of_our_consensus_entry_and_zero_otherwise()
    {
        _metrics.FlagsSource = () => new HashSet<string> { "Fast", "Running", "Valid", "V2Dir" };

        var v = Observe();
        Assert.Equal(1, v["tor_relay_flag{type=Fast}"]);
        Assert.Equal(1, v["tor_relay_flag{type=Running}"]);
        Assert.Equal(1, v["tor_relay_flag{type=V2Dir}"]);
        Assert.Equal(0, v["tor_relay_flag{type=Guard}"]);
        Assert.Equal(0, v["tor_relay_flag{type=Stable}"]);
        // Exactly C tor's nine flags; Valid is not one of them.
        Assert.Equal(["Authority", "Exit", "Fast", "Guard", "HSDir", "Running", "Stable", "Sybil", "V2Dir"],
            v.Keys.Where(k => k.StartsWith("tor_relay_flag{", StringComparison.Ordinal))
                .Select(k => k["tor_relay_flag{type=".Length..^1]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Flags_are_all_zero_when_we_are_not_listed_or_no_source_is_set()
    {
        Assert.Equal(9, Observe().Count(kv => kv.Key.StartsWith("tor_relay_flag{", StringComparison.Ordinal) && kv.Value == 0));

        _metrics.FlagsSource = () => null;
        Assert.Equal(9, Observe().Count(kv => kv.Key.StartsWith("tor_relay_flag{", StringComparison.Ordinal) && kv.Value == 0));
    }

    [Fact]
    public void Signing_cert_expiry_is_absent_until_known_then_a_unix_timestamp()
    {
        Assert.DoesNotContain("tor_relay_signing_cert_expiry_timestamp{}", Observe().Keys);

        _metrics.SigningCertificateLoaded(DateTimeOffset.Parse("2025-06-30T00:00:00Z"));

        Assert.Equal(1751241600, Observe()["tor_relay_signing_cert_expiry_timestamp{}"]);
    }

    [Fact]
    public void Consensus_age_counts_from_valid_after_of_the_latest_consensus()
    {
        Assert.DoesNotContain("torrelay_consensus_age_seconds{}", Observe().Keys);

        _metrics.ConsensusReceived(_time.GetUtcNow().AddMinutes(-30));
        Assert.Equal(1800, Observe()["torrelay_consensus_age_seconds{}"]);

        _time.Now += TimeSpan.FromSeconds(90.5);
        Assert.Equal(1890.5, Observe()["torrelay_consensus_age_seconds{}"]);

        _metrics.ConsensusReceived(_time.GetUtcNow());
        Assert.Equal(0, Observe()["torrelay_consensus_age_seconds{}"]);
    }

    [Fact]
    public void Descriptor_uploads_are_counted_by_result()
    {
        _metrics.DescriptorUploaded(DescriptorUploadResult.Accepted);
        _metrics.DescriptorUploaded(DescriptorUploadResult.Accepted);
        _metrics.DescriptorUploaded(DescriptorUploadResult.Failed);

        var v = Observe();
        Assert.Equal(2, v["torrelay_descriptor_uploads_total{result=accepted}"]);
        Assert.Equal(0, v["torrelay_descriptor_uploads_total{result=rejected}"]);
        Assert.Equal(1, v["torrelay_descriptor_uploads_total{result=failed}"]);
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }
}
