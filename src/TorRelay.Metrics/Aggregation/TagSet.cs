namespace TorRelay.Metrics.Aggregation;

/// <summary>
/// The tags of one series: keys unique (the last duplicate wins) and sorted ordinally, so the same
/// tags in any order name the same series. Created once per new series, never per measurement.
/// </summary>
internal sealed class TagSet
{
    public static readonly TagSet Empty = new([], 0);

    private TagSet(KeyValuePair<string, object?>[] tags, int hash)
    {
        Tags = tags;
        Hash = hash;
    }

    public KeyValuePair<string, object?>[] Tags { get; }

    /// <summary>Order-independent hash, equal to <see cref="HashOf"/> of the same tags in any order.</summary>
    public int Hash { get; }

    public static TagSet Create(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
            return Empty;
        var byKey = new Dictionary<string, object?>(tags.Length, StringComparer.Ordinal);
        foreach (KeyValuePair<string, object?> tag in tags)
            byKey[tag.Key] = tag.Value;
        KeyValuePair<string, object?>[] sorted = [.. byKey];
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return new TagSet(sorted, HashOf(sorted));
    }

    /// <summary>Sum of per-tag hashes: independent of order and allocation-free.</summary>
    public static int HashOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        int h = tags.Length;
        foreach (KeyValuePair<string, object?> tag in tags)
            h += HashCode.Combine(tag.Key.GetHashCode(StringComparison.Ordinal), tag.Value?.GetHashCode() ?? 0);
        return h;
    }

    /// <summary>
    /// True when <paramref name="tags"/> holds exactly these tags (any order). Checking both directions
    /// keeps a span with a duplicated key from matching a set whose other key it lacks.
    /// </summary>
    public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        KeyValuePair<string, object?>[] mine = Tags;
        if (mine.Length != tags.Length)
            return false;
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (!Contains(mine, tag))
                return false;
        }
        foreach (KeyValuePair<string, object?> tag in mine)
        {
            if (!Contains(tags, tag))
                return false;
        }
        return true;
    }

    private static bool Contains(ReadOnlySpan<KeyValuePair<string, object?>> tags, KeyValuePair<string, object?> wanted)
    {
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (string.Equals(tag.Key, wanted.Key, StringComparison.Ordinal))
                return Equals(tag.Value, wanted.Value);
        }
        return false;
    }
}
