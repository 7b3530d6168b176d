namespace TorRelay.Core.Channels;

/// <summary>
/// The bytes of cells queued on all channels together, against MaxMemInQueues (C tor's cell_queues_check_size). One
/// instance, made by the host and shared by every channel's <see cref="CircuitMux"/>. Reaching the limit runs
/// <see cref="OnExceeded"/> (the OOM killer) on the thread pool, one run at a time; until it frees enough, the next
/// queued cell tries again.
/// </summary>
public sealed class QueueMemoryBudget
{
    private readonly Lock _gate = new();
    private readonly HashSet<CircuitMux> _muxes = new();
    private long _allocated;
    private int _handling;

    public QueueMemoryBudget(long maxMemInQueues)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMemInQueues);
        MaxMemInQueues = maxMemInQueues;
    }

    public long MaxMemInQueues { get; }

    /// <summary>Bytes of cell buffers queued on all channels now.</summary>
    public long Allocated => Volatile.Read(ref _allocated);

    /// <summary>Runs when <see cref="Allocated"/> reaches <see cref="MaxMemInQueues"/>; set once by the OOM killer.</summary>
    public Func<Task>? OnExceeded { get; set; }

    /// <summary>The muxes of all open channels (for the OOM killer, which needs every circuit's queues).</summary>
    public IReadOnlyList<CircuitMux> Muxes()
    {
        lock (_gate) return [.. _muxes];
    }

    internal void Register(CircuitMux mux)
    {
        lock (_gate) _muxes.Add(mux);
    }

    internal void Unregister(CircuitMux mux)
    {
        lock (_gate) _muxes.Remove(mux);
    }

    internal void Add(long bytes)
    {
        if (Interlocked.Add(ref _allocated, bytes) < MaxMemInQueues || OnExceeded is null) return;
        if (Interlocked.CompareExchange(ref _handling, 1, 0) != 0) return;
        ThreadPool.UnsafeQueueUserWorkItem(static budget => _ = budget.RunHandlerAsync(), this, preferLocal: false);
    }

    internal void Release(long bytes) => Interlocked.Add(ref _allocated, -bytes);

    private async Task RunHandlerAsync()
    {
        try
        {
            if (OnExceeded is { } handler) await handler().ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _handling, 0);
        }
    }
}
