using System.Diagnostics.Metrics;
using TorRelay.Metrics.Exposition;

namespace TorRelay.Metrics.Aggregation;

/// <summary>
/// Counter&lt;T&gt; (a Prometheus counter) and UpDownCounter&lt;T&gt; (a gauge): measurements are added.
/// Integral measurements add into a long so large counts stay exact. A counter ignores negative and
/// NaN measurements, which would break its monotonicity.
/// </summary>
internal sealed class SumState : InstrumentState
{
    private readonly SeriesMap<SumSeries> _series;
    private readonly bool _monotonic;

    public SumState(Instrument instrument, string familyName, MetricType type, long order, int maxSeries)
        : base(instrument, familyName, type, order)
    {
        _monotonic = type == MetricType.Counter;
        _series = new SeriesMap<SumSeries>(static tags => new SumSeries(tags), maxSeries);
    }

    public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_monotonic && value < 0)
            return;
        if (_series.Get(tags) is { } series)
            Interlocked.Add(ref series.Integer, value);
    }

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_monotonic && !(value >= 0))
            return;
        if (_series.Get(tags) is { } series)
            AtomicDouble.Add(ref series.Fraction, value);
    }

    public override void Snapshot(List<SeriesSnapshot> into, long epoch)
    {
        foreach (SumSeries series in _series.Values)
        {
            into.Add(new SeriesSnapshot
            {
                Labels = LabelsOf(series),
                IntegerPart = Interlocked.Read(ref series.Integer),
                Value = Volatile.Read(ref series.Fraction),
            });
        }
    }

    private sealed class SumSeries(TagSet tags) : Series(tags)
    {
        public long Integer;
        public double Fraction;
    }
}
