using System.Diagnostics.Metrics;

namespace TorRelay.Core.Metrics;

/// <summary>
/// A fixed set of series kept as plain longs and reported together by one observable instrument, the way C tor fills
/// its metrics store on each scrape: recording is a single interlocked add with no lookup or allocation, and every
/// series (zeros included) is there from the first scrape, whenever the exporter started listening.
/// </summary>
public sealed class LabelledCounters
{
    private readonly long[] _values;
    private readonly KeyValuePair<string, object?>[][] _tags;

    public LabelledCounters(KeyValuePair<string, object?>[][] tags)
    {
        _tags = tags;
        _values = new long[tags.Length];
    }

    public void Increment(int series) => Interlocked.Increment(ref _values[series]);

    public long Read(int series) => Volatile.Read(ref _values[series]);

    public void Add(int series, long delta) => Interlocked.Add(ref _values[series], delta);

    /// <summary>A gauge going down; never below zero, as C tor's rep_hist_note_conn_closed().</summary>
    public void DecrementToZero(int series)
    {
        long seen = Volatile.Read(ref _values[series]);
        while (seen > 0)
        {
            long was = Interlocked.CompareExchange(ref _values[series], seen - 1, seen);
            if (was == seen) return;
            seen = was;
        }
    }

    /// <summary>One measurement per series; runs at scrape time only.</summary>
    public IEnumerable<Measurement<long>> Observe()
    {
        var measurements = new Measurement<long>[_values.Length];
        for (int i = 0; i < measurements.Length; i++)
            measurements[i] = new Measurement<long>(Volatile.Read(ref _values[i]), _tags[i]);
        return measurements;
    }
}
