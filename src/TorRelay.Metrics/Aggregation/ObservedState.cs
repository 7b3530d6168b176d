using System.Diagnostics.Metrics;
using TorRelay.Metrics.Exposition;

namespace TorRelay.Metrics.Aggregation;

/// <summary>
/// ObservableCounter/UpDownCounter/Gauge: each scrape asks the callbacks for current values. Only
/// series observed in this scrape's epoch are written; older ones are dropped, as a client library
/// re-collects on every scrape. Callbacks run on the scraping thread, under the scrape lock.
/// </summary>
internal sealed class ObservedState(Instrument instrument, string familyName, MetricType type, long order, int maxSeries)
    : InstrumentState(instrument, familyName, type, order)
{
    private readonly SeriesMap<ObservedSeries> _series = new(static tags => new ObservedSeries(tags), maxSeries);

    /// <summary>The epoch observations are stamped with; set by the exporter before collecting.</summary>
    public long CurrentEpoch { get; set; }

    public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_series.Get(tags) is { } series)
        {
            series.Integer = value;
            series.Fraction = 0;
            series.Epoch = CurrentEpoch;
        }
    }

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_series.Get(tags) is { } series)
        {
            series.Integer = 0;
            series.Fraction = value;
            series.Epoch = CurrentEpoch;
        }
    }

    public override void Snapshot(List<SeriesSnapshot> into, long epoch)
    {
        foreach (ObservedSeries series in _series.Values)
        {
            if (series.Epoch != epoch)
            {
                _series.Remove(series);
                continue;
            }
            into.Add(new SeriesSnapshot { Labels = LabelsOf(series), IntegerPart = series.Integer, Value = series.Fraction });
        }
    }

    private sealed class ObservedSeries(TagSet tags) : Series(tags)
    {
        public long Integer;
        public double Fraction;
        public long Epoch = -1;
    }
}
