using System.Diagnostics.Metrics;
using System.Text;
using TorRelay.Metrics.Aggregation;
using TorRelay.Metrics.Exposition;

namespace TorRelay.Metrics;

/// <summary>
/// Collects every instrument of the selected meters through a <see cref="MeterListener"/> and renders
/// them in the Prometheus text exposition format 0.0.4. Measurements are aggregated where they are
/// recorded, lock-free (Interlocked on per-series state; no allocation once a label set exists);
/// scrapes are serialised and are the only place observable callbacks run.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    /// <summary>The Content-Type of what <see cref="Scrape"/> returns.</summary>
    public const string ContentType = TextFormat.ContentType;

    /// <summary>The meter .NET 9+ publishes GC, thread pool, JIT and CPU metrics on.</summary>
    public const string RuntimeMeterName = "System.Runtime";

    private readonly PrometheusExporterOptions _options;
    private readonly MeterListener _listener;
    private readonly Lock _registryLock = new();
    private readonly List<InstrumentState> _states = [];
    private readonly Lock _scrapeLock = new();
    private readonly ProcessMetrics? _process;
    private long _nextOrder;
    private long _epoch;
    private bool _disposed;

    /// <summary>Exports meters whose name starts with <paramref name="meterNamePrefix"/>, plus runtime and process metrics.</summary>
    public PrometheusExporter(string meterNamePrefix)
        : this(new PrometheusExporterOptions { MeterNamePrefix = meterNamePrefix })
    {
    }

    public PrometheusExporter(PrometheusExporterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.MeterNamePrefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxSeriesPerInstrument, 1);
        _options = options;
        _process = options.IncludeProcessMetrics ? new ProcessMetrics() : null;
        _listener = new MeterListener
        {
            InstrumentPublished = OnInstrumentPublished,
            MeasurementsCompleted = OnMeasurementsCompleted,
        };
        _listener.SetMeasurementEventCallback<byte>(static (_, v, tags, s) => ((InstrumentState)s!).Record((long)v, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, v, tags, s) => ((InstrumentState)s!).Record((long)v, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, v, tags, s) => ((InstrumentState)s!).Record((long)v, tags));
        _listener.SetMeasurementEventCallback<long>(static (_, v, tags, s) => ((InstrumentState)s!).Record(v, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, v, tags, s) => ((InstrumentState)s!).Record((double)v, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, v, tags, s) => ((InstrumentState)s!).Record(v, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, v, tags, s) => ((InstrumentState)s!).Record((double)v, tags));
        _listener.Start();
    }

    /// <summary>The current exposition (UTF-8 text, format 0.0.4).</summary>
    public string Scrape()
    {
        lock (_scrapeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var sb = new StringBuilder(4096);
            ExpositionWriter.Write(sb, CollectFamilies());
            return sb.ToString();
        }
    }

    /// <summary><see cref="Scrape"/> encoded as UTF-8, as served on the MetricsPort.</summary>
    public byte[] ScrapeUtf8() => Encoding.UTF8.GetBytes(Scrape());

    public void Dispose()
    {
        lock (_scrapeLock)
        {
            if (_disposed)
                return;
            _disposed = true;
            _listener.Dispose();
            _process?.Dispose();
        }
    }

    private bool IsExported(Meter meter) =>
        meter.Name.StartsWith(_options.MeterNamePrefix, StringComparison.Ordinal) ||
        (_options.IncludeRuntimeMetrics && meter.Name == RuntimeMeterName);

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!IsExported(instrument.Meter))
            return;
        InstrumentState? state;
        lock (_registryLock)
        {
            state = InstrumentStateFactory.Create(instrument, _nextOrder++, _options);
            if (state is null)
                return;
            _states.Add(state);
        }
        listener.EnableMeasurementEvents(instrument, state);
    }

    private void OnMeasurementsCompleted(Instrument instrument, object? state)
    {
        if (state is not InstrumentState s)
            return;
        lock (_registryLock)
            _states.Remove(s);
    }

    /// <summary>Families in name order; one family per name, its type and help from the first instrument.</summary>
    private IEnumerable<MetricFamily> CollectFamilies()
    {
        long epoch = ++_epoch;
        InstrumentState[] states;
        lock (_registryLock)
            states = [.. _states];
        foreach (InstrumentState state in states)
        {
            if (state is ObservedState observed)
                observed.CurrentEpoch = epoch;
        }
        try
        {
            _listener.RecordObservableInstruments();
        }
        catch (AggregateException)
        {
            // A throwing callback loses only its own observations; the others were recorded.
        }

        Array.Sort(states, static (a, b) =>
        {
            int c = string.CompareOrdinal(a.FamilyName, b.FamilyName);
            if (c == 0)
                c = string.CompareOrdinal(a.Instrument.Meter.Name, b.Instrument.Meter.Name);
            if (c == 0)
                c = string.CompareOrdinal(a.Instrument.Name, b.Instrument.Name);
            return c != 0 ? c : a.Order.CompareTo(b.Order);
        });

        var families = new SortedDictionary<string, MetricFamily>(StringComparer.Ordinal);
        foreach (InstrumentState state in states)
        {
            if (!families.TryGetValue(state.FamilyName, out MetricFamily? family))
                families.Add(state.FamilyName, family = new MetricFamily(state.FamilyName, state.Help, state.Type));
            else if (family.Type != state.Type)
                continue; // a name clash of different kinds: the first instrument keeps the name
            state.Snapshot(family.Series, epoch);
        }
        if (_process is not null)
        {
            foreach (MetricFamily family in _process.Collect())
                families.TryAdd(family.Name, family);
        }
        return families.Values;
    }
}
