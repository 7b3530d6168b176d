using Microsoft.Extensions.Logging;
using TorRelay.Core.Channels;
using TorRelay.Core.Metrics;

namespace TorRelay.Core.Circuits;

/// <summary>
/// C tor's circuits_handle_oom: when the cells queued on all channels reach MaxMemInQueues, close the circuits whose
/// oldest queued cell is oldest, dropping their queued cells, until we are back under 90% of the limit. Closing is the
/// caller's (DESTROY with RESOURCELIMIT on both sides); this class only chooses and frees.
/// </summary>
public sealed partial class OomKiller
{
    /// <summary>FRACTION_OF_DATA_TO_RETAIN_ON_OOM.</summary>
    public const double FractionToRetain = 0.90;

    private readonly QueueMemoryBudget _budget;
    private readonly Func<RelayCircuit, ValueTask> _kill;
    private readonly ILogger _log;
    private readonly CoreMetrics? _metrics;
    private readonly SemaphoreSlim _running = new(1, 1);
    private long _bytesFreed;

    /// <param name="kill">Closes a circuit with DESTROY(RESOURCELIMIT), e.g. CircuitSwitch.CloseAsync; not awaited.</param>
    public OomKiller(QueueMemoryBudget budget, Func<RelayCircuit, ValueTask> kill, ILogger log, CoreMetrics? metrics = null)
    {
        _budget = budget;
        _kill = kill;
        _log = log;
        _metrics = metrics;
        budget.OnExceeded = HandleOomAsync;
    }

    /// <summary>Bytes of queued cells freed by killing circuits since start (tor_relay_load_oom_bytes_total{subsys="cell"}).</summary>
    public long BytesFreed => Interlocked.Read(ref _bytesFreed);

    /// <summary>Raised after each run that killed something, with the bytes it freed.</summary>
    public event Action<long>? Recovered;

    /// <summary>Frees queued cells down to 90% of MaxMemInQueues if we are above it; one run at a time.</summary>
    public async Task HandleOomAsync()
    {
        await _running.WaitAsync().ConfigureAwait(false);
        try
        {
            Recover();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogFailed(_log, e);
        }
        finally
        {
            _running.Release();
        }
    }

    private void Recover()
    {
        long allocated = _budget.Allocated;
        long target = (long)(_budget.MaxMemInQueues * FractionToRetain);
        if (allocated <= target) return;
        long toRecover = allocated - target;
        LogLowOnMemory(_log, allocated);

        var muxes = _budget.Muxes();
        var victims = OldestFirst(muxes);
        long freed = 0;
        int killed = 0;
        foreach (var circuit in victims)
        {
            // Free first, counting what was queued (marked_circuit_free_cells), then close: DESTROY may wait for room.
            foreach (var mux in muxes) freed += mux.DetachCircuit(circuit);
            killed++;
            if (circuit is RelayCircuit relay) _ = CloseAsync(relay);
            if (freed >= toRecover) break;
        }
        LogRemoved(_log, freed, killed, victims.Count - killed);
        Interlocked.Add(ref _bytesFreed, freed);
        _metrics?.OomBytesFreed(freed);
        Recovered?.Invoke(freed);
    }

    /// <summary>Every circuit with queued cells, the one whose oldest cell (on any channel) is oldest first.</summary>
    private static List<object> OldestFirst(IReadOnlyList<CircuitMux> muxes)
    {
        var queued = new List<QueuedCircuit>();
        foreach (var mux in muxes) mux.CollectQueued(queued);
        var oldest = new Dictionary<object, long>(ReferenceEqualityComparer.Instance);
        foreach (var q in queued)
            oldest[q.Circuit] = oldest.TryGetValue(q.Circuit, out long seen) ? Math.Min(seen, q.OldestQueuedAt) : q.OldestQueuedAt;
        var circuits = new List<object>(oldest.Keys);
        circuits.Sort((a, b) => oldest[a].CompareTo(oldest[b]));
        return circuits;
    }

    private async Task CloseAsync(RelayCircuit circuit)
    {
        try
        {
            await _kill(circuit).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogFailed(_log, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "We're low on memory (cell queues total alloc: {Allocated}). Killing circuits with over-long queues. (This behavior is controlled by MaxMemInQueues.)")]
    private static partial void LogLowOnMemory(ILogger log, long allocated);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Bytes} bytes by killing {Killed} circuits; {Remaining} circuits with queued cells remain alive.")]
    private static partial void LogRemoved(ILogger log, long bytes, int killed, int remaining);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handling low memory failed")]
    private static partial void LogFailed(ILogger log, Exception e);
}
