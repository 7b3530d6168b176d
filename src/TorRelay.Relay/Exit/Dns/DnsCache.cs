namespace TorRelay.Relay.Exit.Dns;

/// <summary>
/// Answers by (name, type) until their clipped TTL runs out, at most <paramref name="capacity"/> of them; when full the
/// oldest entry goes (all TTLs lie within 1–64 minutes, so oldest is close to soonest-expiring). Not thread-safe: the
/// resolver calls it under its lock.
/// </summary>
internal sealed class DnsCache(int capacity)
{
    private readonly record struct Entry((string Name, DnsRecordType Type) Key, DnsLookupResult Result, long ExpiresAt);

    private readonly Dictionary<(string, DnsRecordType), LinkedListNode<Entry>> _byKey = [];
    private readonly LinkedList<Entry> _byAge = new();

    public int Count => _byKey.Count;

    public bool TryGet((string, DnsRecordType) key, long now, out DnsLookupResult result)
    {
        result = null!;
        if (!_byKey.TryGetValue(key, out var node)) return false;
        if (node.Value.ExpiresAt <= now)
        {
            Remove(node);
            return false;
        }
        result = node.Value.Result;
        return true;
    }

    public void Add((string, DnsRecordType) key, DnsLookupResult result, long expiresAt, long now)
    {
        if (_byKey.TryGetValue(key, out var old)) Remove(old);
        while (_byAge.First is { } oldest && (oldest.Value.ExpiresAt <= now || _byKey.Count >= Math.Max(1, capacity)))
            Remove(oldest);
        _byKey[key] = _byAge.AddLast(new Entry(key, result, expiresAt));
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _byKey.Remove(node.Value.Key);
        _byAge.Remove(node);
    }
}
