namespace TorRelay.Core.Circuits.Congestion;

/// <summary>
/// FIFO of send times of the cells awaiting a SENDME (C tor sendme_pending_timestamps), as a ring that grows by
/// doubling: a circuit allocates only when its window reaches a new high, never per cell.
/// </summary>
internal sealed class SendTimestampQueue
{
    private long[] _items = new long[8];
    private int _head;

    public int Count { get; private set; }

    public void Enqueue(long timestamp)
    {
        if (Count == _items.Length) Grow();
        _items[(_head + Count) % _items.Length] = timestamp;
        Count++;
    }

    public bool TryDequeue(out long timestamp)
    {
        if (Count == 0)
        {
            timestamp = 0;
            return false;
        }
        timestamp = _items[_head];
        _head = (_head + 1) % _items.Length;
        Count--;
        return true;
    }

    private void Grow()
    {
        var bigger = new long[_items.Length * 2];
        for (int i = 0; i < Count; i++) bigger[i] = _items[(_head + i) % _items.Length];
        _items = bigger;
        _head = 0;
    }
}
