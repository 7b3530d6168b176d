using System.Diagnostics.Metrics;
using TorRelay.Metrics.Exposition;

namespace TorRelay.Metrics.Aggregation;

/// <summary>Synchronous Gauge&lt;T&gt;: the last recorded value per label set.</summary>
internal sealed class LastValueState(Instrument instrument, string familyName, long order, int maxSeries)
    : InstrumentState(instrument, familyName, MetricType.Gauge, order)
{
    private readonly SeriesMap<LastValueSeries> _series = new(static tags => new LastValueSeries(tags), maxSeries);

    public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => Record((double)value, tags);

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_series.Get(tags) is { } series)
            Volatile.Write(ref series.Value, value);
    }

    public override void Snapshot(List<SeriesSnapshot> into, long epoch)
    {
        foreach (LastValueSeries series in _series.Values)
            into.Add(new SeriesSnapshot { Labels = LabelsOf(series), Value = Volatile.Read(ref series.Value) });
    }

    private sealed class LastValueSeries(TagSet tags) : Series(tags)
    {
        public double Value;
    }
}
