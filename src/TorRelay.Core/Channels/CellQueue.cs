namespace TorRelay.Core.Channels;

/// <summary>
/// One circuit's cells waiting on one channel, oldest first: a ring of pooled cell buffers with the time each was
/// queued (the OOM killer's age), and the circuit's EWMA state. Made once per circuit per channel; the ring only grows
/// when the queue reaches a new depth, so queueing a cell allocates nothing. Guarded by its mux's lock.
/// </summary>
internal sealed class CellQueue
{
    private byte[][] _cells;
    private long[] _queuedAt;
    private int _head;

    public CellQueue(object? circuit, uint tick, int capacity = 16)
    {
        Circuit = circuit;
        LastAdjustedTick = tick;
        _cells = new byte[capacity][];
        _queuedAt = new long[capacity];
    }

    /// <summary>The circuit the cells belong to; null for the channel's own cells (link level, DESTROY, CREATED).</summary>
    public object? Circuit { get; }

    public int Count { get; private set; }

    /// <summary>Bytes held by the queued buffers.</summary>
    public long Bytes { get; private set; }

    /// <summary>EWMA of cells sent, relative to the start of <see cref="LastAdjustedTick"/>.</summary>
    public double CellCount { get; set; }

    public uint LastAdjustedTick { get; set; }

    /// <summary>Position in the mux's active heap, or -1 when the queue is empty.</summary>
    public int HeapIndex { get; set; } = -1;

    /// <summary>When the oldest cell was queued (a <see cref="TimeProvider.GetTimestamp"/> value); only with <see cref="Count"/> &gt; 0.</summary>
    public long OldestQueuedAt => _queuedAt[_head];

    public void Enqueue(byte[] cell, long timestamp)
    {
        if (Count == _cells.Length) Grow();
        int tail = (_head + Count) % _cells.Length;
        _cells[tail] = cell;
        _queuedAt[tail] = timestamp;
        Count++;
        Bytes += cell.Length;
    }

    public byte[] Dequeue()
    {
        var cell = _cells[_head];
        _cells[_head] = null!;
        _head = (_head + 1) % _cells.Length;
        Count--;
        Bytes -= cell.Length;
        return cell;
    }

    private void Grow()
    {
        var cells = new byte[_cells.Length * 2][];
        var times = new long[cells.Length];
        for (int i = 0; i < Count; i++)
        {
            int from = (_head + i) % _cells.Length;
            cells[i] = _cells[from];
            times[i] = _queuedAt[from];
        }
        _cells = cells;
        _queuedAt = times;
        _head = 0;
    }
}
