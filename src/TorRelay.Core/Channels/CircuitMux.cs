using System.Buffers;

namespace TorRelay.Core.Channels;

/// <summary>
/// A channel's outbound cells, queued per circuit, and the choice of what to send next (C tor's circuitmux with the
/// EWMA policy): the channel's own cells (no circuit: link level, DESTROY, CREATED) first, then one cell at a time from
/// the circuit with the lowest EWMA count. Any thread may queue; one writer at a time takes batches (the channel
/// starts one when a cell is queued and none is running). Buffers are pooled and
/// owned by the mux once queued; queueing and sending allocate nothing.
/// </summary>
/// <remarks>
/// Backpressure: a sender's cell is always queued at once, and only then, if its circuit's queue or the channel is
/// at its bound, does the sender wait for room. The sender is usually the read loop of the channel the cell came
/// from, so a full next hop stops us reading from the previous one, as the single bounded queue did. Because the cell
/// that hits a bound is queued anyway and the scheduler picks the quietest circuit, a busy circuit cannot hold back
/// another one's cells on this channel: the per-circuit bound keeps one circuit from taking the whole channel bound,
/// and a quiet circuit's cell goes out ahead of the backlog.
/// </remarks>
public sealed class CircuitMux
{
    private readonly Lock _lock = new();
    private readonly Dictionary<object, CellQueue> _circuits = new(ReferenceEqualityComparer.Instance);
    private readonly ActiveCircuitHeap _active = new();
    private readonly List<CapacityWaiter> _waiting = new();
    private readonly Stack<CapacityWaiter> _spareWaiters = new();
    private readonly CellQueue _own;
    private readonly EwmaPolicy _ewma;
    private readonly QueueMemoryBudget? _budget;
    private readonly ArrayPool<byte> _pool;
    private readonly TimeProvider _time;
    private readonly int _circuitLimit;
    private readonly int _channelLimit;
    private bool _closed;
    private int _cells;
    private uint _lastRecalibrated;

    /// <summary>An idle circuit's queue is forgotten once its count decays below this (its history no longer matters).</summary>
    private const double ForgetBelow = 0.001;

    /// <param name="pool">Where queued cells go back when dropped; null: the settings' <see cref="ChannelQueueSettings.Cells"/>.</param>
    public CircuitMux(ChannelQueueSettings settings, ArrayPool<byte>? pool = null)
    {
        _ewma = settings.Ewma;
        _time = settings.Ewma.Time;
        _budget = settings.Budget;
        _pool = pool ?? settings.Cells;
        _circuitLimit = settings.CircuitQueueCells;
        _channelLimit = settings.ChannelQueueCells;
        _lastRecalibrated = _ewma.Now().Tick;
        _own = new CellQueue(null, _lastRecalibrated, capacity: 4); // link-level cells come a few at a time; it grows if not
        _budget?.Register(this);
    }

    /// <summary>Cells queued now, all circuits together.</summary>
    public int Count => Volatile.Read(ref _cells);

    /// <summary>
    /// Queues a pooled cell buffer (ownership passes to the mux) for <paramref name="circuit"/>, or as the channel's own
    /// cell when null. The returned task completes at once unless a bound was reached; then when there is room again,
    /// the circuit's queue is dropped, the mux closes, or <paramref name="ct"/> is cancelled. A closed mux drops the cell.
    /// </summary>
    public ValueTask EnqueueAsync(byte[] cell, object? circuit, CancellationToken ct)
    {
        CapacityWaiter waiter;
        lock (_lock)
        {
            if (_closed)
            {
                _pool.Return(cell);
                return ValueTask.CompletedTask;
            }
            var queue = circuit is null ? _own : QueueOf(circuit);
            queue.Enqueue(cell, _time.GetTimestamp());
            _cells++;
            if (queue.HeapIndex < 0 && queue != _own) Activate(queue);
            _budget?.Add(cell.Length);
            if (HasRoom(queue)) return ValueTask.CompletedTask;
            waiter = _spareWaiters.Count > 0 ? _spareWaiters.Pop() : new CapacityWaiter(this);
            waiter.Queue = queue;
            _waiting.Add(waiter);
        }
        var pending = new ValueTask(waiter, waiter.Version);
        if (ct.IsCancellationRequested) Release(waiter);
        else waiter.Watch(ct);
        return pending;
    }

    /// <summary>
    /// Moves up to <paramref name="batch"/>.Length cells, in sending order, to the caller (who returns each buffer to
    /// the pool once written); releases senders that now have room. Returns how many.
    /// </summary>
    public int DequeueBatch(Span<byte[]> batch)
    {
        lock (_lock)
        {
            int n = 0;
            long bytes = 0;
            while (n < batch.Length && _own.Count > 0)
            {
                batch[n] = _own.Dequeue();
                bytes += batch[n++].Length;
            }
            if (n < batch.Length && _active.Count > 0)
            {
                var clock = _ewma.Now();
                if (clock.Tick != _lastRecalibrated) Recalibrate(clock.Tick);
                while (n < batch.Length && _active.Count > 0)
                {
                    var queue = _active.Peek();
                    batch[n] = queue.Dequeue();
                    bytes += batch[n++].Length;
                    queue.CellCount += clock.CellWeight;
                    if (queue.Count == 0) _active.Remove(queue);
                    else _active.RootIncreased();
                }
            }
            _cells -= n;
            _budget?.Release(bytes);
            if (_waiting.Count > 0) ReleaseWaitersWithRoom();
            return n;
        }
    }

    /// <summary>
    /// Drops every cell queued for <paramref name="circuit"/> (C tor's circuit_clear_cell_queue, when a circuit closes
    /// or the OOM killer takes it) and forgets its queue. Returns the bytes freed.
    /// </summary>
    public long DetachCircuit(object circuit)
    {
        lock (_lock)
        {
            if (!_circuits.Remove(circuit, out var queue)) return 0;
            _active.Remove(queue);
            long bytes = queue.Bytes;
            _cells -= queue.Count;
            while (queue.Count > 0) _pool.Return(queue.Dequeue());
            _budget?.Release(bytes);
            for (int i = _waiting.Count - 1; i >= 0; i--)
                if (_waiting[i].Queue == queue) CompleteAt(i);
            return bytes;
        }
    }

    /// <summary>Adds, for each circuit with queued cells, when its oldest was queued and the bytes queued (for the OOM killer).</summary>
    public void CollectQueued(List<QueuedCircuit> into)
    {
        lock (_lock)
        {
            for (int i = 0; i < _active.Count; i++)
            {
                var queue = _active[i];
                into.Add(new QueuedCircuit(queue.Circuit!, queue.OldestQueuedAt, queue.Bytes));
            }
        }
    }

    /// <summary>Bytes queued for <paramref name="circuit"/>.</summary>
    public long QueuedBytes(object circuit)
    {
        lock (_lock) return _circuits.TryGetValue(circuit, out var queue) ? queue.Bytes : 0;
    }

    /// <summary>Returns every queued cell to the pool, releases all waiting senders and the reader; later cells are dropped.</summary>
    public void Close()
    {
        lock (_lock)
        {
            if (_closed) return;
            _closed = true;
            long bytes = _own.Bytes;
            while (_own.Count > 0) _pool.Return(_own.Dequeue());
            foreach (var queue in _circuits.Values)
            {
                bytes += queue.Bytes;
                while (queue.Count > 0) _pool.Return(queue.Dequeue());
            }
            _circuits.Clear();
            while (_active.Count > 0) _active.Remove(_active.Peek());
            _cells = 0;
            _budget?.Release(bytes);
            for (int i = _waiting.Count - 1; i >= 0; i--) CompleteAt(i);
        }
        _budget?.Unregister(this);
    }

    /// <summary>Lets a waiting sender go (its token was cancelled); no-op if it already went.</summary>
    internal void Release(CapacityWaiter waiter)
    {
        lock (_lock)
        {
            int i = _waiting.IndexOf(waiter);
            if (i >= 0) CompleteAt(i);
        }
    }

    internal void Recycle(CapacityWaiter waiter)
    {
        lock (_lock) _spareWaiters.Push(waiter);
    }

    private CellQueue QueueOf(object circuit)
    {
        if (!_circuits.TryGetValue(circuit, out var queue))
        {
            queue = new CellQueue(circuit, _lastRecalibrated);
            _circuits.Add(circuit, queue);
        }
        return queue;
    }

    private bool HasRoom(CellQueue queue) => _cells < _channelLimit && (queue == _own || queue.Count < _circuitLimit);

    /// <summary>A queue that was empty joins the heap with its count brought to the heap's tick (ewma_notify_circ_active).</summary>
    private void Activate(CellQueue queue)
    {
        queue.CellCount *= _ewma.Rescale(queue.LastAdjustedTick, _lastRecalibrated);
        queue.LastAdjustedTick = _lastRecalibrated;
        _active.Add(queue);
    }

    /// <summary>
    /// A new tick: every count is rescaled to it (scale_active_circuits), which keeps the heap's order. Idle queues
    /// whose count has decayed away are forgotten, so a circuit closed without <see cref="DetachCircuit"/> does not stay.
    /// </summary>
    private void Recalibrate(uint tick)
    {
        for (int i = 0; i < _active.Count; i++)
        {
            var queue = _active[i];
            queue.CellCount *= _ewma.Rescale(queue.LastAdjustedTick, tick);
            queue.LastAdjustedTick = tick;
        }
        foreach (var (circuit, queue) in _circuits)
        {
            if (queue.Count == 0 && queue.CellCount * _ewma.Rescale(queue.LastAdjustedTick, tick) < ForgetBelow && !IsAwaited(queue))
                _circuits.Remove(circuit);
        }
        _lastRecalibrated = tick;
    }

    private bool IsAwaited(CellQueue queue)
    {
        foreach (var waiter in _waiting)
            if (waiter.Queue == queue) return true;
        return false;
    }

    private void ReleaseWaitersWithRoom()
    {
        for (int i = _waiting.Count - 1; i >= 0; i--)
            if (HasRoom(_waiting[i].Queue!)) CompleteAt(i);
    }

    private void CompleteAt(int i)
    {
        var waiter = _waiting[i];
        _waiting.RemoveAt(i);
        waiter.Queue = null;
        waiter.Complete();
    }
}

/// <summary>A circuit's queued cells on one channel: when the oldest was queued (a timestamp) and how many bytes.</summary>
public readonly record struct QueuedCircuit(object Circuit, long OldestQueuedAt, long Bytes);
