using System.Diagnostics.Metrics;
using System.Numerics;
using TorRelay.Metrics.Exposition;

namespace TorRelay.Metrics.Aggregation;

/// <summary>Picks the aggregation and Prometheus type for a published instrument.</summary>
internal static class InstrumentStateFactory
{
    /// <summary>Prometheus client libraries' default buckets, for durations in seconds.</summary>
    internal static readonly double[] SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>OpenTelemetry's default explicit buckets, for any other unit.</summary>
    internal static readonly double[] GenericBuckets = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    /// <summary>The state for <paramref name="instrument"/>, or null for an instrument kind we do not know.</summary>
    public static InstrumentState? Create(Instrument instrument, long order, PrometheusExporterOptions options)
    {
        Type type = instrument.GetType();
        if (!type.IsGenericType)
            return null;
        Type kind = type.GetGenericTypeDefinition();
        string name = instrument.Name;
        int max = options.MaxSeriesPerInstrument;

        if (kind == typeof(Counter<>))
            return new SumState(instrument, PrometheusNames.CounterName(name), MetricType.Counter, order, max);
        if (kind == typeof(UpDownCounter<>))
            return new SumState(instrument, PrometheusNames.SanitizeMetricName(name), MetricType.Gauge, order, max);
        if (kind == typeof(Gauge<>))
            return new LastValueState(instrument, PrometheusNames.SanitizeMetricName(name), order, max);
        if (kind == typeof(Histogram<>))
            return new HistogramState(instrument, PrometheusNames.SanitizeMetricName(name), order, max, BoundsFor(instrument, options));
        if (kind == typeof(ObservableCounter<>) && !IsMislabelledRuntimeGauge(instrument))
            return new ObservedState(instrument, PrometheusNames.CounterName(name), MetricType.Counter, order, max);
        if (kind == typeof(ObservableCounter<>) || kind == typeof(ObservableUpDownCounter<>) || kind == typeof(ObservableGauge<>))
            return new ObservedState(instrument, PrometheusNames.SanitizeMetricName(name), MetricType.Gauge, order, max);
        return null;
    }

    /// <summary>
    /// .NET's System.Runtime meter creates these current-value instruments as ObservableCounter although
    /// they go down (dotnet/runtime#112077, #126167); as Prometheus counters rate() would see resets.
    /// </summary>
    private static bool IsMislabelledRuntimeGauge(Instrument instrument) =>
        instrument.Meter.Name == PrometheusExporter.RuntimeMeterName &&
        instrument.Name is "dotnet.thread_pool.thread.count" or "dotnet.thread_pool.queue.length";

    /// <summary>The instrument's advised bucket boundaries, else the configured or unit-based default.</summary>
    internal static double[] BoundsFor(Instrument instrument, PrometheusExporterOptions options)
    {
        double[]? advised = instrument switch
        {
            Instrument<byte> i => ToDoubles(i.Advice?.HistogramBucketBoundaries),
            Instrument<short> i => ToDoubles(i.Advice?.HistogramBucketBoundaries),
            Instrument<int> i => ToDoubles(i.Advice?.HistogramBucketBoundaries),
            Instrument<long> i => ToDoubles(i.Advice?.HistogramBucketBoundaries),
            Instrument<float> i => ToDoubles(i.Advice?.HistogramBucketBoundaries),
            Instrument<double> i => ToDoubles(i.Advice?.HistogramBucketBoundaries),
            Instrument<decimal> i => ToDoubles(i.Advice?.HistogramBucketBoundaries),
            _ => null,
        };
        if (advised is not null)
            return advised;
        if (options.DefaultHistogramBoundaries is { } configured)
            return Normalize(configured);
        return instrument.Unit == "s" ? SecondsBuckets : GenericBuckets;
    }

    private static double[]? ToDoubles<T>(IReadOnlyList<T>? bounds) where T : struct, INumberBase<T> =>
        bounds is null ? null : Normalize(bounds.Select(double.CreateChecked));

    /// <summary>Sorted, distinct, finite bounds (+Inf is always added by the writer).</summary>
    private static double[] Normalize(IEnumerable<double> bounds) =>
        bounds.Where(double.IsFinite).Distinct().Order().ToArray();
}
