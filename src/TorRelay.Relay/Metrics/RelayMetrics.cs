using System.Diagnostics.Metrics;

namespace TorRelay.Relay.Metrics;

/// <summary>
/// The relay role's instruments on the meter "TorRelay.Relay": C tor's tor_relay_flag and
/// tor_relay_signing_cert_expiry_timestamp (names, types and labels of relay_metrics.c in 0.4.9), plus our
/// torrelay_consensus_age_seconds and torrelay_descriptor_uploads_total. Values are read on each scrape.
/// </summary>
public sealed class RelayMetrics : IDisposable
{
    public const string MeterName = "TorRelay.Relay";

    /// <summary>The flags C tor reports, in its order (fill_relay_flags()).</summary>
    public static IReadOnlyList<string> ReportedFlags { get; } =
        ["Fast", "Exit", "Authority", "Stable", "HSDir", "Running", "V2Dir", "Sybil", "Guard"];

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly TimeProvider _time;
    private readonly KeyValuePair<string, object?>[] _flagTags;
    private readonly KeyValuePair<string, object?>[] _uploadTags;
    private readonly long[] _uploads = new long[3];
    private long _signingCertExpiry = long.MinValue;
    private long _consensusValidAfter = long.MinValue;

    /// <summary>Creates the meter from <paramref name="meterFactory"/> (which then owns it), or a meter of our own.</summary>
    public RelayMetrics(IMeterFactory? meterFactory = null, TimeProvider? time = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(new MeterOptions(MeterName)) ?? new Meter(MeterName);
        _time = time ?? TimeProvider.System;
        _flagTags = [.. ReportedFlags.Select(f => new KeyValuePair<string, object?>("type", f))];
        _uploadTags = [new("result", "accepted"), new("result", "rejected"), new("result", "failed")];

        _meter.CreateObservableGauge("tor_relay_flag", ObserveFlags, null, "Relay flags from consensus");
        _meter.CreateObservableGauge("tor_relay_signing_cert_expiry_timestamp", ObserveSigningCertExpiry, "s",
            "Timestamp at which the current online keys will expire");
        _meter.CreateObservableGauge("torrelay_consensus_age_seconds", ObserveConsensusAge, "s",
            "Seconds since the valid-after time of the newest verified consensus");
        _meter.CreateObservableCounter("torrelay_descriptor_uploads_total", ObserveUploads, "{upload}",
            "Descriptor uploads to directory authorities, by result");
        _meter.CreateObservableGauge("torrelay_cpu_core_busy_ratio", _cpu.Observe, null,
            "Share of time each CPU core was busy since the previous scrape");
        Dns = new ExitDnsMetrics(_meter);
        _meter.CreateObservableCounter("tor_relay_dos_total", ObserveDos, null, "Denial of Service defenses related counters");
        _meter.CreateObservableGauge("torrelay_orport_reachable", ObserveReachable, null,
            "1 once the ORPort self-test (or AssumeReachable) found our advertised ORPorts reachable, else 0");
    }

    /// <summary>The DoS defences' counters (C tor's fill_dos_values), read on each scrape.</summary>
    public Func<TorRelay.Core.Dos.DosStats>? DosSource { get; set; }

    private IEnumerable<Measurement<long>> ObserveDos() =>
        DosSource is { } source
            ? source().ToMetricSeries().Select(kv => new Measurement<long>(kv.Value, new KeyValuePair<string, object?>("type", kv.Key)))
            : [];

    /// <summary>Whether our ORPorts seem reachable (the self-test's verdict), read on each scrape; absent until set.</summary>
    public Func<bool>? ReachabilitySource { get; set; }

    private IEnumerable<Measurement<int>> ObserveReachable() =>
        ReachabilitySource is { } source ? [new Measurement<int>(source() ? 1 : 0)] : [];

    /// <summary>The exit resolver's queries and errors.</summary>
    public ExitDnsMetrics Dns { get; }

    private readonly CpuCoreLoad _cpu = new();

    /// <summary>
    /// The flags of our own entry in the current consensus, or null when we are not listed (then every flag is 0, as
    /// in C tor). Read on each scrape; set once the consensus tracker exists.
    /// </summary>
    public Func<IReadOnlySet<string>?>? FlagsSource { get; set; }

    /// <summary>Our ed25519 signing certificate (the online key) is now valid until <paramref name="expires"/>.</summary>
    public void SigningCertificateLoaded(DateTimeOffset expires) =>
        Interlocked.Exchange(ref _signingCertExpiry, expires.ToUnixTimeSeconds());

    /// <summary>A newly verified consensus became current.</summary>
    public void ConsensusReceived(DateTimeOffset validAfter) =>
        Interlocked.Exchange(ref _consensusValidAfter, validAfter.ToUnixTimeMilliseconds());

    /// <summary>One upload of our descriptor to one authority ended.</summary>
    public void DescriptorUploaded(DescriptorUploadResult result)
    {
        if ((uint)result < (uint)_uploads.Length) Interlocked.Increment(ref _uploads[(int)result]);
    }

    public void Dispose()
    {
        if (_ownsMeter) _meter.Dispose();
    }

    private IEnumerable<Measurement<int>> ObserveFlags()
    {
        var flags = FlagsSource?.Invoke();
        var measurements = new Measurement<int>[_flagTags.Length];
        for (int i = 0; i < measurements.Length; i++)
            measurements[i] = new Measurement<int>(flags is not null && flags.Contains(ReportedFlags[i]) ? 1 : 0, _flagTags[i]);
        return measurements;
    }

    /// <summary>Absent until known, as C tor writes it only when it has the certificate.</summary>
    private IEnumerable<Measurement<long>> ObserveSigningCertExpiry()
    {
        long expiry = Interlocked.Read(ref _signingCertExpiry);
        return expiry == long.MinValue ? [] : [new Measurement<long>(expiry)];
    }

    private IEnumerable<Measurement<double>> ObserveConsensusAge()
    {
        long validAfter = Interlocked.Read(ref _consensusValidAfter);
        if (validAfter == long.MinValue) return [];
        return [new Measurement<double>((_time.GetUtcNow().ToUnixTimeMilliseconds() - validAfter) / 1000.0)];
    }

    private IEnumerable<Measurement<long>> ObserveUploads()
    {
        var measurements = new Measurement<long>[_uploads.Length];
        for (int i = 0; i < measurements.Length; i++)
            measurements[i] = new Measurement<long>(Interlocked.Read(ref _uploads[i]), _uploadTags[i]);
        return measurements;
    }
}
