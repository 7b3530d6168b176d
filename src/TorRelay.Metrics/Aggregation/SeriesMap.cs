using System.Collections.Concurrent;

namespace TorRelay.Metrics.Aggregation;

/// <summary>
/// Lock-free map from tags to series. The untagged series is a field; tagged ones are found through
/// an alternate lookup keyed by the measurement's own tag span, so only a new label set allocates.
/// Past <c>maxSeries</c> label sets, new ones are dropped to bound memory.
/// </summary>
internal sealed class SeriesMap<TSeries> where TSeries : Series
{
    private readonly ConcurrentDictionary<TagSet, TSeries> _map = new(TagSetComparer.Instance);
    private readonly ConcurrentDictionary<TagSet, TSeries>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _lookup;
    private readonly Func<TagSet, TSeries> _factory;
    private readonly int _maxSeries;
    private TSeries? _untagged;
    private int _count;

    public SeriesMap(Func<TagSet, TSeries> factory, int maxSeries)
    {
        _factory = factory;
        _maxSeries = maxSeries;
        _lookup = _map.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
    }

    /// <summary>The series for these tags, created on first use; null when the cardinality cap is hit.</summary>
    public TSeries? Get(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
            return Volatile.Read(ref _untagged) ?? AddSlow(tags);
        return _lookup.TryGetValue(tags, out TSeries? series) ? series : AddSlow(tags);
    }

    public ICollection<TSeries> Values => _map.Values;

    public void Remove(TSeries series)
    {
        if (_map.TryRemove(new KeyValuePair<TagSet, TSeries>(series.Tags, series)))
        {
            Interlocked.Decrement(ref _count);
            if (series.Tags.Tags.Length == 0)
                Volatile.Write(ref _untagged, null);
        }
    }

    private TSeries? AddSlow(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        TagSet key = TagSet.Create(tags);
        if (_map.TryGetValue(key, out TSeries? existing))
            return existing;
        if (Interlocked.Increment(ref _count) > _maxSeries)
        {
            Interlocked.Decrement(ref _count);
            return null;
        }
        TSeries created = _factory(key);
        TSeries winner = _map.GetOrAdd(key, created);
        if (!ReferenceEquals(winner, created))
            Interlocked.Decrement(ref _count);
        if (key.Tags.Length == 0)
            Volatile.Write(ref _untagged, winner);
        return winner;
    }
}
