using System.Diagnostics.Metrics;
using TorRelay.Metrics.Exposition;

namespace TorRelay.Metrics.Aggregation;

/// <summary>
/// Aggregation state of one instrument, handed to <see cref="MeterListener.EnableMeasurementEvents"/>
/// so the measurement callback reaches it without any lookup.
/// </summary>
internal abstract class InstrumentState(Instrument instrument, string familyName, MetricType type, long order)
{
    public Instrument Instrument { get; } = instrument;

    /// <summary>Prometheus family name (sanitised; counters end in _total).</summary>
    public string FamilyName { get; } = familyName;

    public MetricType Type { get; } = type;

    /// <summary>Registration order, the last tie-breaker of the output order.</summary>
    public long Order { get; } = order;

    public string Help => string.IsNullOrEmpty(Instrument.Description) ? Instrument.Name : Instrument.Description;

    public abstract void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

    public abstract void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

    /// <summary>Appends the current series; <paramref name="epoch"/> identifies this scrape.</summary>
    public abstract void Snapshot(List<SeriesSnapshot> into, long epoch);

    protected string LabelsOf(Series series) =>
        series.RenderedLabels ??= LabelRenderer.Render(Instrument, series.Tags, Type == MetricType.Histogram);
}
