using System.Diagnostics.Metrics;
using TorRelay.Metrics.Exposition;

namespace TorRelay.Metrics.Aggregation;

/// <summary>
/// Histogram&lt;T&gt; with explicit bucket bounds: per label set a count per bucket (upper bound
/// inclusive, as Prometheus' "le") plus +Inf, and the sum. NaN measurements are ignored.
/// </summary>
internal sealed class HistogramState : InstrumentState
{
    private readonly SeriesMap<HistogramSeries> _series;
    private readonly double[] _bounds;

    public HistogramState(Instrument instrument, string familyName, long order, int maxSeries, double[] bounds)
        : base(instrument, familyName, MetricType.Histogram, order)
    {
        _bounds = bounds;
        _series = new SeriesMap<HistogramSeries>(tags => new HistogramSeries(tags, bounds.Length + 1), maxSeries);
    }

    public IReadOnlyList<double> Bounds => _bounds;

    public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => Record((double)value, tags);

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (double.IsNaN(value) || _series.Get(tags) is not { } series)
            return;
        Interlocked.Increment(ref series.Buckets[BucketIndex(_bounds, value)]);
        AtomicDouble.Add(ref series.Sum, value);
    }

    public override void Snapshot(List<SeriesSnapshot> into, long epoch)
    {
        foreach (HistogramSeries series in _series.Values)
        {
            long[] counts = new long[series.Buckets.Length];
            for (int i = 0; i < counts.Length; i++)
                counts[i] = Interlocked.Read(ref series.Buckets[i]);
            into.Add(new SeriesSnapshot
            {
                Labels = LabelsOf(series),
                Bounds = _bounds,
                BucketCounts = counts,
                Sum = Volatile.Read(ref series.Sum),
            });
        }
    }

    /// <summary>Index of the first bound ≥ value (binary search); bounds.Length is the +Inf bucket.</summary>
    internal static int BucketIndex(double[] bounds, double value)
    {
        int lo = 0, hi = bounds.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (value <= bounds[mid])
                hi = mid;
            else
                lo = mid + 1;
        }
        return lo;
    }

    private sealed class HistogramSeries(TagSet tags, int buckets) : Series(tags)
    {
        public readonly long[] Buckets = new long[buckets];
        public double Sum;
    }
}
