using System.Threading.Tasks.Sources;

namespace TorRelay.Core.Channels;

/// <summary>
/// A sender waiting for room in a <see cref="CircuitMux"/>, reused from the mux's pool so that waiting allocates
/// nothing. Completes when its queue and the channel have room again, when the queue is dropped or the channel
/// closes, or when the sender's token is cancelled; its cell is already queued, so completion never fails.
/// </summary>
internal sealed class CapacityWaiter : IValueTaskSource
{
    private readonly CircuitMux _mux;
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _cancellation;

    public CapacityWaiter(CircuitMux mux) => _mux = mux;

    /// <summary>The queue whose room it waits for; set while it waits, under the mux's lock.</summary>
    public CellQueue? Queue { get; set; }

    public short Version => _core.Version;

    public void Watch(CancellationToken ct)
    {
        if (ct.CanBeCanceled) _cancellation = ct.UnsafeRegister(static w => ((CapacityWaiter)w!)._mux.Release((CapacityWaiter)w), this);
    }

    /// <summary>Called once by the mux, under its lock, after taking the waiter off its list.</summary>
    public void Complete() => _core.SetResult(true);

    public void GetResult(short token)
    {
        _core.GetResult(token);
        _cancellation.Dispose();
        _cancellation = default;
        _core.Reset();
        _mux.Recycle(this);
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
