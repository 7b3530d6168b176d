namespace TorRelay.Core.Channels;

/// <summary>
/// The circuits with cells waiting on a channel, as a binary min-heap on their EWMA count (C tor's
/// active_circuit_pqueue): the quietest is at the root. Each queue knows its index, so removal is O(log n).
/// </summary>
internal sealed class ActiveCircuitHeap
{
    private CellQueue[] _items = new CellQueue[4]; // most channels carry a few circuits at a time; it doubles as needed

    public int Count { get; private set; }

    public CellQueue this[int index] => _items[index];

    public CellQueue Peek() => _items[0];

    public void Add(CellQueue queue)
    {
        if (Count == _items.Length) Array.Resize(ref _items, Count * 2);
        _items[Count] = queue;
        queue.HeapIndex = Count++;
        SiftUp(queue.HeapIndex);
    }

    public void Remove(CellQueue queue)
    {
        int i = queue.HeapIndex;
        if (i < 0) return;
        queue.HeapIndex = -1;
        var last = _items[--Count];
        _items[Count] = null!;
        if (i == Count) return;
        Place(last, i);
        SiftUp(i);
        SiftDown(last.HeapIndex);
    }

    /// <summary>Restores the order after the root's count grew (it just sent a cell).</summary>
    public void RootIncreased() => SiftDown(0);

    private void SiftUp(int i)
    {
        var item = _items[i];
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (_items[parent].CellCount <= item.CellCount) break;
            Place(_items[parent], i);
            i = parent;
        }
        Place(item, i);
    }

    private void SiftDown(int i)
    {
        var item = _items[i];
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= Count) break;
            if (child + 1 < Count && _items[child + 1].CellCount < _items[child].CellCount) child++;
            if (item.CellCount <= _items[child].CellCount) break;
            Place(_items[child], i);
            i = child;
        }
        Place(item, i);
    }

    private void Place(CellQueue queue, int i)
    {
        _items[i] = queue;
        queue.HeapIndex = i;
    }
}
